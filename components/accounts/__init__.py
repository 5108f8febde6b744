"""Sign-in, the cookie and the account pages (Your account, Users)."""
