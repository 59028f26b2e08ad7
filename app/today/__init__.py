"""«Сегодня»: the home page as blocks that features register (app.today.registry)."""
