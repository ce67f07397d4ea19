package io.postbridge.server;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;

import org.apache.james.filesystem.api.FileSystem;

/**
 * James's file system, except for one thing: James's ActiveMQ queue records each queued message body as an absolute
 * {@code file:} URL under {@code var/store/activemq/blob-transfer/}. A server directory restored from a backup to
 * another path (or an older {@code var/} moved into a new installation) would lose the bodies of its queued mail.
 * Such a URL that no longer exists is read from the same place under this server's directory instead.
 */
final class RelocatableQueueFileSystem implements FileSystem {
    private static final String QUEUE_BODIES = "var/store/activemq/blob-transfer/";

    private final FileSystem james;

    RelocatableQueueFileSystem(FileSystem james) {
        this.james = james;
    }

    @Override
    public InputStream getResource(String url) throws IOException {
        return james.getResource(url);
    }

    @Override
    public File getFile(String fileURL) throws FileNotFoundException {
        File file = james.getFile(fileURL);
        if (file.exists() || !fileURL.startsWith("file:/")) {
            return file;
        }
        String path = file.getPath().replace(File.separatorChar, '/');
        int at = path.lastIndexOf("/" + QUEUE_BODIES);
        if (at < 0) {
            return file;
        }
        File here = new File(getBasedir(), path.substring(at + 1));
        return here.exists() ? here : file;
    }

    @Override
    public File getBasedir() throws FileNotFoundException {
        return james.getBasedir();
    }
}
