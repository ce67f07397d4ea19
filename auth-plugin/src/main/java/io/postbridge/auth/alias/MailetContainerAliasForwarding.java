package io.postbridge.auth.alias;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.server.core.configuration.ConfigurationProvider;

import io.postbridge.core.alias.AliasForwarding;
import io.postbridge.core.alias.AliasForwardingSource;
import io.postbridge.core.alias.AliasRepository;
import io.postbridge.core.alias.ForwardingConfig;
import io.postbridge.core.alias.ForwardingConfigException;
import io.postbridge.core.alias.ForwardingConfigReader;
import io.postbridge.core.alias.LocalMailboxes;
import io.postbridge.core.config.SettingProblem;

/**
 * Reads the AliasForward element of mailetcontainer.xml once, through James's own configuration provider (so it
 * is the same file the mailet container loaded), and shares the result. Whichever comes first at start-up, the
 * mailet's init or the first RCPT, loads it.
 */
@Singleton
public class MailetContainerAliasForwarding implements AliasForwardingSource {
    private final ConfigurationProvider configurationProvider;
    private final FileSystem fileSystem;
    private final AliasRepository runtimeAliases;
    private final LocalMailboxes mailboxes;
    private final Clock clock;
    private Optional<AliasForwarding> loaded;

    @Inject
    public MailetContainerAliasForwarding(ConfigurationProvider configurationProvider, FileSystem fileSystem,
                                          AliasRepository runtimeAliases, LocalMailboxes mailboxes, Clock clock) {
        this.configurationProvider = configurationProvider;
        this.fileSystem = fileSystem;
        this.runtimeAliases = runtimeAliases;
        this.mailboxes = mailboxes;
        this.clock = clock;
    }

    @Override
    public synchronized Optional<AliasForwarding> get() throws ForwardingConfigException {
        if (loaded == null) {
            Optional<ForwardingConfig> config;
            try {
                config = ForwardingConfigReader.read(configurationProvider.getConfiguration("mailetcontainer"), this::locate);
            } catch (ConfigurationException e) {
                throw new ForwardingConfigException(SettingProblem.describe(ForwardingConfigReader.FILE,
                    "mailet AliasForward", "cannot read the file: " + e.getMessage()), e);
            }
            loaded = config.map(forwarding -> new AliasForwarding(forwarding, runtimeAliases, mailboxes, clock));
        }
        return loaded;
    }

    /** {@code conf/x}, {@code file://conf/x} (relative to James's working directory) or an absolute path. */
    private Path locate(String location) throws IOException {
        if (location.startsWith("/")) {
            return Path.of(location);
        }
        String url = location.contains("://") ? location : "file://" + location;
        return fileSystem.getFile(url).toPath();
    }
}
