package dev.meetingbridge.connection;

/** What each side stores of a connection, kept after it closes so that late requests get 409 rather than 404. */
record ConnectionRecord(String id, String payload, String createdAt, String otherMeetingId) {
}
