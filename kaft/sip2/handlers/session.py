"""Login (93), status (99) and end of session (35): to be written with the server."""
