package dev.meetingbridge.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What a meeting script returned: a status ({@code ok} or a refusal code) and its values.
 */
public record ScriptResult(List<?> values) {

	public ScriptResult(@Nullable List<?> values) {
		this.values = values == null ? List.of(Refusal.STORE_UNAVAILABLE.code()) : values;
	}

	public String status() {
		return (String) this.values.get(0);
	}

	public boolean ok() {
		return "ok".equals(status());
	}

	/** The refusal, for a result that is not {@code ok}. */
	public Refusal refusal() {
		if (ok()) {
			throw new IllegalStateException("The script succeeded; there is no refusal");
		}
		return Refusal.of(status());
	}

	public String string(int index) {
		return (String) this.values.get(index);
	}

	public long number(int index) {
		return ((Number) this.values.get(index)).longValue();
	}

	@SuppressWarnings("unchecked")
	public List<String> list(int index) {
		return (List<String>) this.values.get(index);
	}

	/** A flattened Redis hash (field, value, field, value...) as an ordered map. */
	public Map<String, String> hash(int index) {
		return pairs(list(index));
	}

	public static Map<String, String> pairs(List<String> flat) {
		Map<String, String> map = new LinkedHashMap<>();
		for (int i = 0; i + 1 < flat.size(); i += 2) {
			map.put(flat.get(i), flat.get(i + 1));
		}
		return map;
	}

}
