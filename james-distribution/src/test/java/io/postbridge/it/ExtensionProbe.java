package io.postbridge.it;

import javax.inject.Inject;

import org.apache.james.utils.ClassName;
import org.apache.james.utils.GuiceGenericLoader;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

/**
 * Reaches the singletons Postbridge's module binds in James's extension injector (the one mailets, hooks and routes
 * are built by), for example the in-memory provider accounts a test fills in. Add {@link #MODULE} to the server.
 */
public class ExtensionProbe implements GuiceProbe {
    public static final Module MODULE = binder -> Multibinder.newSetBinder(binder, GuiceProbe.class)
        .addBinding().to(ExtensionProbe.class);

    private final GuiceGenericLoader loader;

    @Inject
    public ExtensionProbe(GuiceGenericLoader loader) {
        this.loader = loader;
    }

    public <T> T instance(Class<T> type) {
        try {
            return loader.instantiate(new ClassName(type.getName()));
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
