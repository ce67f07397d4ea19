package io.postbridge.server.persistence;

import java.io.FileNotFoundException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * The {@link EntityManagerFactory} of James's JPA implementations, from {@code conf/james-database.properties}.
 * Adapted from James 3.8.1's {@code org.apache.james.modules.data.JPAEntityManagerModule} (Apache License 2.0,
 * module {@code server/container/guice/jpa-common}, not published as a jar), plus the Derby path and log fixes.
 */
public class JamesDatabaseModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(JamesDatabaseModule.class);

    @Provides
    @Singleton
    JamesDatabaseSettings settings(PropertiesProvider propertiesProvider, FileSystem fileSystem) throws ConfigurationException {
        Map<String, String> values = new LinkedHashMap<>();
        try {
            Configuration configuration = propertiesProvider.getConfiguration(JamesDatabaseSettings.FILE);
            for (Iterator<String> keys = configuration.getKeys(); keys.hasNext(); ) {
                String key = keys.next();
                // James reads .properties with ',' as list delimiter: join the parts back into the written value
                values.put(key, String.join(",", configuration.getStringArray(key)));
            }
        } catch (FileNotFoundException e) {
            LOGGER.info("No conf/{}.properties: James data on embedded Derby ({})", JamesDatabaseSettings.FILE,
                JamesDatabaseSettings.DEFAULT_URL);
        }
        return JamesDatabaseSettings.from(values, workingDirectory(fileSystem));
    }

    @Provides
    @Singleton
    JamesDatabase database(JamesDatabaseSettings settings, FileSystem fileSystem) {
        return JamesDatabase.open(settings, workingDirectory(fileSystem));
    }

    @Provides
    @Singleton
    EntityManagerFactory entityManagerFactory(JamesDatabase database) {
        return database.entityManagerFactory();
    }

    private static Path workingDirectory(FileSystem fileSystem) {
        try {
            return fileSystem.getBasedir().toPath();
        } catch (FileNotFoundException e) {
            throw new IllegalStateException("James has no working directory", e);
        }
    }
}
