package io.postbridge.consent;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.postbridge.core.testing.ExternalTools;

/**
 * Headless Debian Chromium driven through the system chromedriver (no browser or driver download), with a fresh
 * profile. Skips the test with the install line where they are missing; required under -Dpostbridge.test.requireTools.
 */
final class ConsentBrowser {
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    private ConsentBrowser() {
    }

    static boolean available() {
        return new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    }

    static void require() {
        ExternalTools.require(available(), "headless Chromium is not installed: apt-get install -y chromium chromium-driver");
    }

    static WebDriver start() throws IOException {
        Path profile = Files.createTempDirectory("pb-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1000,900",
            "--user-data-dir=" + profile);
        // the listener serves the server's own self-signed certificate (conf/keystore made by --generate-keystore)
        options.setAcceptInsecureCerts(true);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
            .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
