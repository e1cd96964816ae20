package dev.stompbox.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.Rectangle;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo page in one window of {@link Chromium}, used the way a person would and read
 * only through its {@code data-test} hooks (and the canvas's pixels).
 */
final class Page {

	static final Duration TIMEOUT = Duration.ofSeconds(20);

	static final Dimension DESKTOP = new Dimension(1280, 860);

	static final Dimension PHONE = new Dimension(390, 844);

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	final String label;

	private final ChromeDriver driver;

	private final String window;

	private boolean closed;

	Page(String label, ChromeDriver driver, String window) {
		this.label = label;
		this.driver = driver;
		this.window = window;
	}

	private ChromeDriver focused() {
		if (!this.window.equals(this.driver.getWindowHandle())) {
			this.driver.switchTo().window(this.window);
		}
		return this.driver;
	}

	WebElement find(String test) {
		return focused().findElement(By.cssSelector("[data-test='" + test + "']"));
	}

	void logIn(String name) {
		find("name").sendKeys(name);
		find("login").click();
	}

	void joinRoom(String room) {
		find("room").sendKeys(room);
		find("join").click();
	}

	void say(String text) {
		find("message").sendKeys(text);
		find("send").click();
	}

	void typeWithoutSending(String text) {
		find("message").sendKeys(text);
	}

	void chooseTransport(String transport) {
		// The radio button itself is hidden inside its label: click the label.
		find("transport-" + transport).findElement(By.xpath("..")).click();
	}

	String status() {
		return find("status").getText();
	}

	/** Connections the page has opened so far. */
	int links() {
		return Integer.parseInt(find("status").getDomAttribute("data-links"));
	}

	/** Times the page lost its joined connection with none ready to take over. */
	int breaks() {
		return Integer.parseInt(find("status").getDomAttribute("data-breaks"));
	}

	/** The texts of the chat entries, oldest first. */
	List<String> messages() {
		return texts("[data-test='msg'] .text");
	}

	/** The member list's names, "(you)" left out. */
	List<String> members() {
		return texts("[data-test='member'] > span:not(.dot)");
	}

	/** The number of people present, as the page shows it beside the member list. */
	String memberCount() {
		return find("member-count").getText();
	}

	/** The grey lines in the chat: who joined, left, cleared the board. */
	List<String> notices() {
		return texts("#messages .notice");
	}

	/** The error messages the page shows for a while. */
	List<String> errors() {
		return texts("[data-test='error']");
	}

	String typing() {
		return find("typing").getText();
	}

	@SuppressWarnings("unchecked")
	private List<String> texts(String selector) {
		return (List<String>) script("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent);",
				selector);
	}

	Object script(String script, Object... args) {
		return focused().executeScript(script, args);
	}

	/**
	 * Drags the mouse across the board through the given points, in board fractions (0 to
	 * 1).
	 */
	void draw(double[]... points) {
		WebElement board = find("board");
		Rectangle rect = board.getRect();
		Actions actions = new Actions(this.driver);
		int[] previous = offset(rect, points[0]);
		actions.moveToElement(board, previous[0], previous[1]).clickAndHold();
		for (int i = 1; i < points.length; i++) {
			int[] next = offset(rect, points[i]);
			// In small steps, as a hand would, so the page batches several moves per
			// message.
			for (int step = 1; step <= 5; step++) {
				actions
					.moveToElement(board, previous[0] + (next[0] - previous[0]) * step / 5,
							previous[1] + (next[1] - previous[1]) * step / 5)
					.pause(Duration.ofMillis(15));
			}
			previous = next;
		}
		actions.release().perform();
	}

	/** moveToElement's offsets are from the element's centre. */
	private static int[] offset(Rectangle rect, double[] point) {
		return new int[] { (int) Math.round((point[0] - 0.5) * rect.getWidth()),
				(int) Math.round((point[1] - 0.5) * rect.getHeight()) };
	}

	/**
	 * How many pixels are painted in a square around a point of the board (in board
	 * fractions), read from the canvas with {@code getImageData}.
	 */
	long inkAround(double x, double y, int radius) {
		Object count = script("""
				const canvas = document.querySelector("[data-test='board']");
				const cx = Math.round(arguments[0] * canvas.width), cy = Math.round(arguments[1] * canvas.height);
				const r = arguments[2];
				const data = canvas.getContext('2d').getImageData(cx - r, cy - r, 2 * r, 2 * r).data;
				let painted = 0;
				for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) painted++; }
				return painted;
				""", x, y, radius);
		return ((Number) count).longValue();
	}

	/** Painted pixels on the whole board. */
	long ink() {
		return inkAround(0.5, 0.5, 1000);
	}

	void await(String what, BooleanSupplier condition) {
		new WebDriverWait(this.driver, TIMEOUT, Duration.ofMillis(100))
			.withMessage(() -> this.label + ": " + what + " (status '" + quietly(this::status) + "', messages "
					+ quietly(this::messages) + ", members " + quietly(this::members) + ")")
			.ignoring(StaleElementReferenceException.class)
			.until((driver) -> condition.getAsBoolean());
	}

	void awaitStatus(String containing) {
		await("status containing '" + containing + "'", () -> status().contains(containing));
	}

	void awaitMessage(String text) {
		await("message '" + text + "'", () -> messages().contains(text));
	}

	void awaitMembers(String... names) {
		List<String> wanted = Stream.of(names).sorted().toList();
		await("members " + wanted, () -> members().stream().sorted().toList().equals(wanted));
	}

	private static Object quietly(java.util.function.Supplier<?> read) {
		try {
			return read.get();
		}
		catch (RuntimeException ex) {
			return "?";
		}
	}

	/** Keeps a picture of the page under target/screenshots for a person to look at. */
	void screenshot(String testName) {
		if (this.closed) {
			return;
		}
		try {
			Files.createDirectories(SCREENSHOTS);
			byte[] png = focused().getScreenshotAs(OutputType.BYTES);
			Files.write(SCREENSHOTS.resolve(testName + "-" + this.label + ".png"), png);
		}
		catch (IOException | RuntimeException ex) {
			// a picture is a courtesy; the test's own outcome stands
		}
	}

	/** Closes the window, as a person closing the tab: its connection ends. */
	void close() {
		if (!this.closed) {
			this.closed = true;
			focused().close();
			List<String> left = List.copyOf(this.driver.getWindowHandles());
			if (!left.isEmpty()) {
				this.driver.switchTo().window(left.get(0));
			}
		}
	}

}
