package io.postbridge.core.store;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the Postbridge store lives. The embedded default is an H2 file database; a {@code jdbc:postgresql:} URL
 * selects PostgreSQL, which several James nodes share.
 */
public final class StoreSettings {
    public static final int DEFAULT_POOL_SIZE = 10;

    private final String jdbcUrl;
    private final Optional<String> user;
    private final Optional<String> password;
    private final Optional<String> schema;
    private final int poolSize;

    public StoreSettings(String jdbcUrl, Optional<String> user, Optional<String> password, Optional<String> schema, int poolSize) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl);
        this.user = Objects.requireNonNull(user);
        this.password = Objects.requireNonNull(password);
        this.schema = Objects.requireNonNull(schema);
        if (poolSize < 1) {
            throw new IllegalArgumentException("pool size must be at least 1, was " + poolSize);
        }
        this.poolSize = poolSize;
        dialect(); // fail early on an unsupported URL
    }

    /** The embedded default: an H2 file database {@code <directory>/postbridge.mv.db}. */
    public static StoreSettings embeddedH2(Path directory) {
        return new StoreSettings(h2Url(directory), Optional.empty(), Optional.empty(), Optional.empty(), DEFAULT_POOL_SIZE);
    }

    public static String h2Url(Path directory) {
        return "jdbc:h2:file:" + directory.toAbsolutePath().resolve("postbridge");
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public Optional<String> user() {
        return user;
    }

    public Optional<String> password() {
        return password;
    }

    public Optional<String> schema() {
        return schema;
    }

    public int poolSize() {
        return poolSize;
    }

    public Dialect dialect() {
        return Dialect.of(jdbcUrl);
    }

    /** The URL without credentials, for log lines. */
    @Override
    public String toString() {
        int parameters = jdbcUrl.indexOf('?');
        return parameters < 0 ? jdbcUrl : jdbcUrl.substring(0, parameters) + "?...";
    }

    public enum Dialect {
        H2("jdbc:h2:"), POSTGRESQL("jdbc:postgresql:");

        private final String urlPrefix;

        Dialect(String urlPrefix) {
            this.urlPrefix = urlPrefix;
        }

        public static Dialect of(String jdbcUrl) {
            for (Dialect dialect : values()) {
                if (jdbcUrl.startsWith(dialect.urlPrefix)) {
                    return dialect;
                }
            }
            throw new IllegalArgumentException("unsupported JDBC URL '" + jdbcUrl
                + "': use jdbc:h2:file:... (embedded) or jdbc:postgresql://host:port/database");
        }
    }
}
