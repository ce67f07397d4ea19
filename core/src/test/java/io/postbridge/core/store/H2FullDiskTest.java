package io.postbridge.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.health.HealthReport;
import io.postbridge.core.health.StoreHealth;
import io.postbridge.core.testing.ExternalTools;

/**
 * The embedded store on a full disk (found by SoakIT): H2 closes the database when a write fails; once space is free
 * again the store answers without a restart, and {@code Postbridge:store} is unhealthy while it does not.
 * The disk is a 4 MB tmpfs, mounted as root.
 */
class H2FullDiskTest {
    @TempDir
    Path temporary;
    private Path disk;
    private boolean mounted;
    private Database database;

    @BeforeEach
    void mountTinyDisk() throws Exception {
        disk = temporary.resolve("var");
        Files.createDirectories(disk);
        boolean root = "root".equals(System.getProperty("user.name"));
        ExternalTools.require(root, "mounting a tmpfs for the full-disk test needs root (run the tests as root, as CI does)");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", disk.toString())
            .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        ExternalTools.require(mount.waitFor() == 0, "cannot mount a tmpfs (a container without CAP_SYS_ADMIN?): " + output);
        mounted = true;
    }

    @AfterEach
    void unmount() throws Exception {
        if (database != null) {
            database.close();
        }
        if (mounted) {
            new ProcessBuilder("umount", "-l", disk.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void afterAFullDiskTheStoreAnswersAgainOnceSpaceIsFreeWithoutARestart() throws IOException {
        database = Database.open(new StoreSettings(StoreSettings.h2Url(disk), Optional.empty(), Optional.empty(), Optional.empty(), 4));
        Jdbc jdbc = new Jdbc(database.dataSource());
        StoreHealth health = new StoreHealth(database.dataSource(), database.settings().toString(), Duration.ofSeconds(5), Clock.systemUTC());
        jdbc.update("CREATE TABLE soak_filler (id IDENTITY PRIMARY KEY, payload VARCHAR(100000))");
        jdbc.update("INSERT INTO soak_filler (payload) VALUES (?)", "synced before the disk filled up");
        jdbc.update("CHECKPOINT");
        assertThat(health.check().status()).isEqualTo(HealthReport.Status.HEALTHY);

        Path filler = disk.resolve("filler");
        Files.write(filler, new byte[(int) Math.max(0, Files.getFileStore(disk).getUsableSpace() - 256 * 1024)]);
        String payload = "x".repeat(20_000);
        boolean failed = false;
        for (int i = 0; i < 5_000 && !failed; i++) {
            try {
                jdbc.update("INSERT INTO soak_filler (payload) VALUES (?)", payload + i);
                if (i % 10 == 0) {
                    jdbc.update("CHECKPOINT");
                }
            } catch (StoreException e) {
                failed = true;
            }
        }
        assertThat(failed).as("a write fails on the full disk").isTrue();
        // H2 has closed the database: the store is down, and the health check says so
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                jdbc.queryOne("SELECT payload FROM soak_filler WHERE id = 1", row -> row.getString(1));
                return false;
            } catch (StoreException e) {
                return health.check().status() == HealthReport.Status.UNHEALTHY;
            }
        });

        Files.delete(filler);

        Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
            assertThat(jdbc.queryOne("SELECT payload FROM soak_filler WHERE id = 1", row -> row.getString(1)))
                .contains("synced before the disk filled up");
            jdbc.update("INSERT INTO soak_filler (payload) VALUES (?)", "after the disk was freed");
        });
        assertThat(health.check().status()).isEqualTo(HealthReport.Status.HEALTHY);
    }
}
