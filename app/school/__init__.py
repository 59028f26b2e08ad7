"""The school's own records of its pupils: class membership with its history."""
