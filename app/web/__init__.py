"""What the pages (app.views) and the API (app.api) share, below both: the search forms sized to the
user's reach, the list arguments' checks, the API's Russian answers and the diary's request-level
helpers. Nothing here registers a view; the layers are in docs/architecture.md."""
