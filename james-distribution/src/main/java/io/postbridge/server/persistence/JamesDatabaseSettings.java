package io.postbridge.server.persistence;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code conf/james-database.properties} says, made usable: the OpenJPA properties of the "Global" persistence
 * unit, with a relative embedded-Derby path resolved against the server's directory (Derby alone would resolve it
 * against the process's current directory).
 */
public final class JamesDatabaseSettings {
    public static final String FILE = "james-database";
    public static final String DERBY_DRIVER = "org.apache.derby.jdbc.EmbeddedDriver";
    /** The embedded default, relative to the server's directory. */
    public static final String DEFAULT_URL = "jdbc:derby:var/james/derby;create=true";
    private static final String DERBY_PREFIX = "jdbc:derby:";

    private final String driver;
    private final String url;
    private final Optional<String> username;
    private final Optional<String> password;
    private final Map<String, String> openJpaProperties;
    private final Map<String, String> dataSourceProperties;

    private JamesDatabaseSettings(String driver, String url, Optional<String> username, Optional<String> password,
                                  Map<String, String> openJpaProperties, Map<String, String> dataSourceProperties) {
        this.driver = driver;
        this.url = url;
        this.username = username;
        this.password = password;
        this.openJpaProperties = openJpaProperties;
        this.dataSourceProperties = dataSourceProperties;
    }

    /**
     * @param values the keys of james-database.properties ({@code database.*}, {@code datasource.*} and
     *               {@code openjpa.*} passed through); empty for the embedded default
     */
    public static JamesDatabaseSettings from(Map<String, String> values, Path workingDirectory) {
        String url = Optional.ofNullable(values.get("database.url")).map(String::trim).filter(v -> !v.isEmpty())
            .orElse(DEFAULT_URL);
        String driver = Optional.ofNullable(values.get("database.driverClassName")).map(String::trim)
            .filter(v -> !v.isEmpty())
            .orElseGet(() -> url.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : DERBY_DRIVER);
        Map<String, String> openJpa = new LinkedHashMap<>();
        Map<String, String> dataSource = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith("openjpa.")) {
                openJpa.put(key, value);
            } else if (key.startsWith("datasource.")) {
                dataSource.put(key.substring("datasource.".length()), value);
            }
        });
        return new JamesDatabaseSettings(driver, resolveDerbyPath(url, workingDirectory),
            nonBlank(values.get("database.username")), nonBlank(values.get("database.password")), openJpa, dataSource);
    }

    /** {@code jdbc:derby:var/x;create=true} becomes {@code jdbc:derby:/srv/postbridge/var/x;create=true}. */
    static String resolveDerbyPath(String url, Path workingDirectory) {
        if (!url.startsWith(DERBY_PREFIX)) {
            return url;
        }
        String rest = url.substring(DERBY_PREFIX.length());
        int attributes = rest.indexOf(';');
        String name = attributes < 0 ? rest : rest.substring(0, attributes);
        // "memory:x", "directory:x", "jar:(...)x": a subsubprotocol; Derby knows where those are
        if (name.isEmpty() || name.matches("^[a-zA-Z]{2,}:.*") || Path.of(name).isAbsolute()) {
            return url;
        }
        return DERBY_PREFIX + workingDirectory.resolve(name).normalize() + (attributes < 0 ? "" : rest.substring(attributes));
    }

    private static Optional<String> nonBlank(String value) {
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    public boolean isEmbeddedDerby() {
        return url.startsWith(DERBY_PREFIX) && DERBY_DRIVER.equals(driver);
    }

    /** The URL that shuts the embedded database down (closing its files and removing its lock), if it is one. */
    public Optional<String> derbyShutdownUrl() {
        if (!isEmbeddedDerby()) {
            return Optional.empty();
        }
        String rest = url.substring(DERBY_PREFIX.length());
        int attributes = rest.indexOf(';');
        return Optional.of(DERBY_PREFIX + (attributes < 0 ? rest : rest.substring(0, attributes)) + ";shutdown=true");
    }

    /** Where the embedded database lives, for messages; the URL without its attributes otherwise. */
    public String location() {
        int attributes = url.indexOf(';');
        int query = url.indexOf('?');
        int end = attributes < 0 ? (query < 0 ? url.length() : query) : attributes;
        return url.substring(0, end);
    }

    public String driver() {
        return driver;
    }

    public String url() {
        return url;
    }

    /**
     * The properties of {@code Persistence.createEntityManagerFactory("Global", ...)}, as James's
     * {@code JPAEntityManagerModule} builds them.
     */
    public Map<String, String> openJpaProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("openjpa.ConnectionDriverName", driver);
        properties.put("openjpa.ConnectionURL", url);
        username.ifPresent(u -> properties.put("openjpa.ConnectionUserName", u));
        password.ifPresent(p -> properties.put("openjpa.ConnectionPassword", p));
        properties.put("openjpa.Multithreaded", "true");
        if (!dataSourceProperties.isEmpty()) {
            StringBuilder connection = new StringBuilder();
            dataSourceProperties.forEach((key, value) ->
                connection.append(connection.length() == 0 ? "" : ",").append(key).append('=').append(value));
            properties.put("openjpa.ConnectionProperties", connection.toString());
        }
        properties.putAll(openJpaProperties);
        return properties;
    }
}
