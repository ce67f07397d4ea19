package io.postbridge.core.fakes;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * After each test, fails it when a request it made broke a provider contract: every {@link FakeProviders} field of the
 * test class (instance or static) must have recorded no violation. Without it a test that only looks at the outcome
 * could pass on the fake's error reply (for instance a retry that ends in success).
 */
public final class FakeProvidersCheck implements AfterEachCallback {
    @Override
    public void afterEach(ExtensionContext context) throws IllegalAccessException {
        Object instance = context.getTestInstance().orElse(null);
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getSuperclass()) {
            for (Field field : type.getDeclaredFields()) {
                if (!FakeProviders.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                boolean isStatic = Modifier.isStatic(field.getModifiers());
                if (!isStatic && instance == null) {
                    continue;
                }
                field.setAccessible(true);
                FakeProviders fake = (FakeProviders) field.get(isStatic ? null : instance);
                if (fake != null) {
                    fake.assertNoViolations();
                }
            }
        }
    }
}
