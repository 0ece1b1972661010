package dev.meetingbridge.connection;

/**
 * The connection after a connect, and whether this request opened it (false: it was
 * already open).
 */
public record ConnectResult(Connection connection, boolean opened) {
}
