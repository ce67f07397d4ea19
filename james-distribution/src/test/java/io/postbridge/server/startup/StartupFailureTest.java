package io.postbridge.server.startup;

import static org.assertj.core.api.Assertions.assertThat;

import javax.mail.MessagingException;

import org.junit.jupiter.api.Test;

class StartupFailureTest {

    @Test
    void prefersPostbridgeSettingProblemsDeepInTheChain() {
        Exception failure = new RuntimeException("Fatal\nlots of Guice text",
            new IllegalStateException("Could not init mailet",
                new MessagingException("mailetcontainer.xml: setting mailet X <event>: unknown value 'y'")));

        assertThat(StartupFailure.oneLine(failure)).isEqualTo("mailetcontainer.xml: setting mailet X <event>: unknown value 'y'");
    }

    @Test
    void otherwiseJoinsTheFirstLineOfEachCause() {
        Exception failure = new RuntimeException("Unable to start\nsecond line",
            new java.net.BindException("Address already in use"));

        assertThat(StartupFailure.oneLine(failure)).isEqualTo("Unable to start <- Address already in use").doesNotContain("\n");
    }

    @Test
    void missingBindingPointsAtTheGuiceModuleSetting() {
        com.google.inject.ProvisionException failure = new com.google.inject.ProvisionException(java.util.List.of(
            new com.google.inject.spi.Message("No implementation for io.postbridge.core.events.MailEventLog was bound.\n\nRequested by: X")));

        assertThat(StartupFailure.oneLine(new RuntimeException("wrapper", failure)))
            .contains("No implementation for io.postbridge.core.events.MailEventLog was bound.")
            .contains("guice.extension.module=io.postbridge.auth.PostbridgeModule")
            .doesNotContain("\n");
    }

    @Test
    void causesWithoutMessageAreNamedByType() {
        assertThat(StartupFailure.oneLine(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
