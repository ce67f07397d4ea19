package io.postbridge.auth.dkim;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.inject.Singleton;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.filesystem.api.FileSystem;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;

import io.postbridge.core.PostbridgeBackend;
import io.postbridge.core.dkim.DkimKeyGenerator;
import io.postbridge.core.dkim.keys.DkimKeyTableRegistry;
import io.postbridge.core.dkim.rotation.DkimDnsLookup;
import io.postbridge.core.dkim.rotation.DkimKeyRepository;
import io.postbridge.core.dkim.rotation.DkimRotationSettings;
import io.postbridge.core.dkim.rotation.FileDkimKeyImport;
import io.postbridge.core.dkim.rotation.ManagedDkimKeys;

/**
 * DKIM services shared by the DkimSign mailets and the {@code /postbridge/dkim} WebAdmin routes. Managed keys live in
 * the Postbridge store (private keys encrypted at rest); keys that earlier versions kept under
 * {@code var/postbridge/dkim/} are imported into it at start-up.
 */
public class DkimModule extends AbstractModule {
    /** Where earlier versions kept managed keys, relative to James's var/. */
    public static final String LEGACY_KEY_FOLDER = "postbridge/dkim";

    @Override
    protected void configure() {
        bind(DkimKeyTableRegistry.class).in(Scopes.SINGLETON);
    }

    @Provides
    @Singleton
    DkimKeyRepository dkimKeyRepository(PostbridgeBackend backend, FileSystem fileSystem) throws IOException {
        Path var = fileSystem.getFile(FileSystem.FILE_PROTOCOL_AND_VAR).toPath();
        new FileDkimKeyImport(var.resolve(LEGACY_KEY_FOLDER), backend.dkimKeys()).run();
        return backend.dkimKeys();
    }

    @Provides
    @Singleton
    DkimDnsLookup dkimDnsLookup(DNSService dns) {
        return name -> new ArrayList<>(dns.findTXTRecords(name));
    }

    @Provides
    @Singleton
    ManagedDkimKeys managedDkimKeys(DkimKeyRepository repository, DkimDnsLookup dns, DkimRotationSettings rotation) {
        ExecutorService dnsChecks = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "postbridge-dkim-dns-check");
            thread.setDaemon(true);
            return thread;
        });
        return new ManagedDkimKeys(repository, new DkimKeyGenerator(), dns, dnsChecks, rotation,
            Clock.systemUTC());
    }
}
