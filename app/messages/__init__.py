"""Messages between families and the school (app.messages.threads: who may write to whom, threads,
unread counts, hiding, files)."""
