package dev.meetingbridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manual's links lead somewhere: every relative link and {@code #anchor} in
 * README.md, docs/*.md and bench/README.md names a file of the repository and, for an
 * anchor, a heading of that file as GitHub derives its anchor. External links are not
 * fetched.
 */
class DocumentationLinksTests {

	private static final Path ROOT = Path.of("").toAbsolutePath();

	/**
	 * {@code [text](target)} and {@code ![alt](target)}, the target up to a space or ')'.
	 */
	private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");

	private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.+?)\\s*#*\\s*$");

	/** A clock time such as 21:42, or a date such as 2026-12-01. */
	private static final Pattern TIME_OR_DATE = Pattern
		.compile("\\b([01]\\d|2[0-3]):[0-5]\\d\\b|\\b20\\d\\d-[01]\\d-[0-3]\\d\\b");

	/** Seven to forty lower-case hex digits with a letter and a digit: a commit hash. */
	private static final Pattern COMMIT = Pattern.compile("\\b(?=[0-9a-f]*[a-f])(?=[0-9a-f]*\\d)[0-9a-f]{7,40}\\b");

	@Test
	void everyRelativeLinkAndAnchorLeadsToAFileAndHeading() {
		List<String> broken = new ArrayList<>();
		int checked = 0;
		for (Path page : pages()) {
			for (String target : links(page)) {
				if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
					continue; // http(s), mailto: not fetched here
				}
				checked++;
				String problem = problem(page, target);
				if (problem != null) {
					broken.add(ROOT.relativize(page) + ": (" + target + ") " + problem);
				}
			}
		}
		assertThat(checked).as("relative links found").isGreaterThan(50);
		assertThat(broken).as("broken links").isEmpty();
	}

	/**
	 * Figures in the manual are current facts; runs, their times and commits live in
	 * bench/RESULTS.md.
	 */
	@Test
	void theManualNamesNoRunTimesDatesOrCommits() {
		List<String> found = new ArrayList<>();
		for (Path page : pages()) {
			List<String> lines = lines(page);
			for (int i = 0; i < lines.size(); i++) {
				String line = lines.get(i).replaceAll("\\]\\([^)]*\\)", "]");
				for (Pattern pattern : List.of(TIME_OR_DATE, COMMIT)) {
					Matcher matcher = pattern.matcher(line);
					while (matcher.find()) {
						found.add(ROOT.relativize(page) + ":" + (i + 1) + ": " + matcher.group());
					}
				}
			}
		}
		assertThat(found).as("clock times, dates or commit hashes").isEmpty();
	}

	@Test
	void anchorsFollowGitHubsRules() {
		Set<String> anchors = anchors(
				List.of("# Safe retries: `Idempotency-Key`", "## The offline checks: deploy/check.sh", "### Events",
						"## Events", "## [Linked](x.md) *heading*", "```", "# not a heading", "```"));
		assertThat(anchors).containsExactlyInAnyOrder("safe-retries-idempotency-key",
				"the-offline-checks-deploychecksh", "events", "events-1", "linked-heading");
	}

	private static List<Path> pages() {
		List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("bench/README.md")));
		try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).sorted().forEach(pages::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		assertThat(pages).hasSizeGreaterThan(5);
		return pages;
	}

	/** What is wrong with a relative link, or null when it leads somewhere. */
	private static String problem(Path page, String target) {
		int hash = target.indexOf('#');
		String file = (hash < 0) ? target : target.substring(0, hash);
		String anchor = (hash < 0) ? null : target.substring(hash + 1);
		Path linked = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
		if (!linked.startsWith(ROOT)) {
			return "leads out of the repository";
		}
		if (!Files.exists(linked)) {
			return "no such file";
		}
		if (anchor == null) {
			return null;
		}
		if (!linked.toString().endsWith(".md")) {
			return "an anchor into a file that is not Markdown";
		}
		return anchors(lines(linked)).contains(anchor) ? null : "no heading with this anchor";
	}

	/** Link targets outside fenced code blocks and inline code. */
	private static List<String> links(Path page) {
		List<String> targets = new ArrayList<>();
		boolean fenced = false;
		for (String line : lines(page)) {
			if (line.stripLeading().startsWith("```")) {
				fenced = !fenced;
				continue;
			}
			if (fenced) {
				continue;
			}
			Matcher matcher = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
			while (matcher.find()) {
				targets.add(matcher.group(1));
			}
		}
		return targets;
	}

	/**
	 * The anchors GitHub gives a page's headings: the heading's text lower-cased, every
	 * character but letters, digits, '_', '-' and spaces dropped, spaces made '-'; a
	 * repeated anchor gets "-1", "-2", ...
	 */
	static Set<String> anchors(List<String> lines) {
		Set<String> anchors = new HashSet<>();
		Map<String, Integer> seen = new HashMap<>();
		boolean fenced = false;
		for (String line : lines) {
			if (line.stripLeading().startsWith("```")) {
				fenced = !fenced;
				continue;
			}
			Matcher matcher = HEADING.matcher(line);
			if (fenced || !matcher.matches()) {
				continue;
			}
			String text = matcher.group(2).replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1");
			String anchor = text.toLowerCase(Locale.ROOT)
				.replaceAll("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]", "")
				.replace(' ', '-');
			int count = seen.merge(anchor, 1, Integer::sum);
			anchors.add((count == 1) ? anchor : anchor + "-" + (count - 1));
		}
		return anchors;
	}

	private static List<String> lines(Path page) {
		try {
			return Files.readAllLines(page);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
