package dev.stompbox.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium (Debian's {@code chromium}, driven through its
 * {@code chromium-driver}) with a fresh profile; each {@link Page} is a window of its
 * own, so a test class starts the browser once. Missing Chromium fails the test with a
 * message that says what to install: it never skips.
 */
final class Chromium implements AutoCloseable {

	private static final Path BINARY = Path.of(System.getenv().getOrDefault("CHROMIUM_BIN", "/usr/bin/chromium"));

	private static final Path DRIVER = Path
		.of(System.getenv().getOrDefault("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"));

	/**
	 * Selenium warns that it has no DevTools (CDP) support for this Chromium's version;
	 * the tests use WebDriver only. Held here so the setting is not collected with the
	 * logger.
	 */
	private static final Logger DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

	static {
		DEVTOOLS_LOG.setLevel(Level.SEVERE);
	}

	private final ChromeDriver driver;

	private final Path profile;

	private Chromium(ChromeDriver driver, Path profile) {
		this.driver = driver;
		this.profile = profile;
	}

	static Chromium start() {
		if (!Files.isExecutable(BINARY) || !Files.isExecutable(DRIVER)) {
			throw new IllegalStateException("The demo page's browser tests need Chromium and its driver at " + BINARY
					+ " and " + DRIVER + ": install them with 'apt-get install -y chromium chromium-driver'"
					+ " (.ci/run does), or point CHROMIUM_BIN and CHROMEDRIVER_BIN at them");
		}
		Path profile;
		try {
			profile = Files.createTempDirectory("stompbox-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(BINARY.toFile());
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
				"--disable-dev-shm-usage", "--disable-extensions", "--user-data-dir=" + profile,
				// Every page is a window of this one browser: none of them may be slowed
				// down as a background one would.
				"--disable-background-timer-throttling", "--disable-backgrounding-occluded-windows",
				"--disable-renderer-backgrounding");
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
			.usingAnyFreePort()
			.build();
		return new Chromium(new ChromeDriver(service, options), profile);
	}

	/** Opens the address in a new window of the given size. */
	Page open(String label, String url, Dimension size) {
		this.driver.switchTo().newWindow(WindowType.WINDOW);
		this.driver.manage().window().setSize(size);
		String handle = this.driver.getWindowHandle();
		this.driver.get(url);
		return new Page(label, this.driver, handle);
	}

	@Override
	public void close() {
		try {
			this.driver.quit();
		}
		finally {
			try (Stream<Path> files = Files.walk(this.profile)) {
				files.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
			}
			catch (IOException ex) {
				// a temporary folder left behind
			}
		}
	}

}
