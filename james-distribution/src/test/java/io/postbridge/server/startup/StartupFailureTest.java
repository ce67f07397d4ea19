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
    void causesWithoutMessageAreNamedByType() {
        assertThat(StartupFailure.oneLine(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
