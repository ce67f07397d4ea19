package io.postbridge.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code /root/conf} of the official James 3.8.1 images, and the README's install recipe applied to it.
 * The image's conf is James's own {@code sample-configuration} with {@code docker-configuration} on top (copied
 * unmodified into test resources, {@code james-3.8.1/}); the recipe is read from README.md itself (the files its
 * {@code docker run} mounts, the {@code sed} commands it gives), so the tests do what the README says.
 */
public final class JamesImage {
    /** The memory image, {@code apache/james:memory-3.8.1}. */
    public static final String MEMORY = "memory-app";
    /** The distributed image, {@code apache/james:distributed-3.8.1} (Cassandra, RabbitMQ, OpenSearch, S3). */
    public static final String DISTRIBUTED = "distributed-app";

    private static final Pattern MOUNT = Pattern.compile("-v \\$PWD/conf/(\\S+):/root/conf/(\\S+)");
    private static final Pattern SED = Pattern.compile("sed -i '[^']+' conf/[\\w.]+");

    private JamesImage() {
    }

    /** Writes the image's conf/ into {@code target}: sample-configuration, then docker-configuration over it. */
    public static ConfFolder imageConf(String app, Path target) {
        copyFiles(resource(app + "/sample-configuration"), target);
        copyFiles(resource(app + "/docker-configuration"), target);
        return ConfFolder.at(target);
    }

    /** The repository's README.md (next to conf/). */
    public static Path readme() {
        return ConfFolder.source().getParent().resolve("README.md");
    }

    /** The conf/ files the README's {@code docker run} mounts over the image's, in its order. */
    public static List<String> mountedConfFiles() {
        String readme = read(readme());
        int start = readme.indexOf("docker run");
        if (start < 0) {
            throw new AssertionError("README.md has no docker run command");
        }
        String command = readme.substring(start, readme.indexOf("```", start));
        List<String> files = new ArrayList<>();
        Matcher mount = MOUNT.matcher(command);
        while (mount.find()) {
            if (!mount.group(1).equals(mount.group(2))) {
                throw new AssertionError("README mounts conf/" + mount.group(1) + " as " + mount.group(2));
            }
            files.add(mount.group(1));
        }
        if (files.isEmpty()) {
            throw new AssertionError("README's docker run mounts no conf/ file:\n" + command);
        }
        return files;
    }

    /**
     * The README's {@code sed -i '...' conf/FILE} commands for this image: all of them but the other image's
     * repository protocol edit.
     */
    public static List<String> recipeEdits(String app) {
        List<String> edits = new ArrayList<>();
        Matcher sed = SED.matcher(read(readme()));
        while (sed.find()) {
            // each image's own repository protocol: cassandra:// for the distributed image, memory:// for the memory one
            if (!sed.group().contains(app.equals(DISTRIBUTED) ? "memory://" : "cassandra://")) {
                edits.add(sed.group());
            }
        }
        return edits;
    }

    /**
     * The operator's side of the recipe: runs the README's edits (with the system's sed, as the operator would)
     * in {@code operatorDir}, whose conf/ is a copy of the repository's.
     */
    public static void applyRecipeEdits(String app, Path operatorDir) throws IOException, InterruptedException {
        List<String> edits = recipeEdits(app);
        if (edits.isEmpty()) {
            throw new AssertionError("README.md gives no sed edit for " + app);
        }
        for (String edit : edits) {
            Process sed = new ProcessBuilder("bash", "-c", edit).directory(operatorDir.toFile())
                .redirectErrorStream(true).start();
            String output = new String(sed.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!sed.waitFor(30, TimeUnit.SECONDS) || sed.exitValue() != 0) {
                throw new AssertionError("README edit failed: " + edit + "\n" + output);
            }
        }
    }

    /** Copies the README's mounted files from the operator's conf/ over the image's conf/ (what {@code -v} does). */
    public static void mount(ConfFolder operatorConf, ConfFolder imageConf) {
        for (String file : mountedConfFiles()) {
            try {
                Files.copy(operatorConf.dir().resolve(file), imageConf.dir().resolve(file), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Path resource(String folder) {
        try {
            var url = JamesImage.class.getResource("/james-3.8.1/" + folder);
            if (url == null) {
                throw new AssertionError("missing test resource james-3.8.1/" + folder);
            }
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyFiles(Path source, Path target) {
        try (Stream<Path> files = Files.list(source)) {
            Files.createDirectories(target);
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, target.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
