package dev.meetingbridge.webhook;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads the head of a recorded event. The recording script writes every event as
 * {@code {"type":..,"meetingId":..,"epoch":..,"sequence":..,"timestamp":..,...}}, ids and
 * names without quotes to escape, so the head is read without parsing the rest.
 */
final class EventHead {

	private EventHead() {
	}

	/** A string field of the event's head ("" when it has none). */
	static String field(String event, String name) {
		String start = "\"" + name + "\":\"";
		int at = event.indexOf(start);
		if (at < 0) {
			return "";
		}
		int from = at + start.length();
		int end = event.indexOf('"', from);
		return (end < 0) ? "" : event.substring(from, end);
	}

	/** A number field of the event's head ("0" when it has none). */
	static String number(String event, String name) {
		String start = "\"" + name + "\":";
		int at = event.indexOf(start);
		if (at < 0) {
			return "0";
		}
		int from = at + start.length();
		int end = from;
		while (end < event.length() && Character.isDigit(event.charAt(end))) {
			end++;
		}
		return (end > from) ? event.substring(from, end) : "0";
	}

	/** When the event was recorded, in epoch milliseconds (0 when unreadable). */
	static long recorded(String event) {
		try {
			return Instant.parse(field(event, "timestamp")).toEpochMilli();
		}
		catch (DateTimeParseException ex) {
			return 0;
		}
	}

}
