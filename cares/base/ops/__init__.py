"""Running the program in production (issue 19): health checks with beat's heartbeat,
structured logs, backup and restore. Base floor: it knows the database, the broker, the
document store and the logs, never members."""
