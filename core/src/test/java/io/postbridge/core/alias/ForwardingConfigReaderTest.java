package io.postbridge.core.alias;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.convert.DisabledListDelimiterHandler;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.postbridge.core.srs.SrsCodec;

class ForwardingConfigReaderTest {
    @TempDir
    Path dir;

    private Optional<ForwardingConfig> read(String mailetBody) throws Exception {
        return ForwardingConfigReader.read(container(mailetBody), location -> dir.resolve(location.replace("file://", "")));
    }

    /** mailetcontainer.xml the way James loads it (XMLConfiguration, list delimiters off). */
    static XMLConfiguration container(String mailetBody) throws Exception {
        String xml = "<mailetcontainer><processors>"
            + "<processor state=\"root\"><mailet match=\"All\" class=\"PostmasterAlias\"/>"
            + (mailetBody == null ? "" : "<mailet match=\"All\" class=\"io.postbridge.mailets.AliasForward\">" + mailetBody + "</mailet>")
            + "</processor><processor state=\"error\"/></processors></mailetcontainer>";
        XMLConfiguration configuration = new XMLConfiguration();
        configuration.setListDelimiterHandler(new DisabledListDelimiterHandler());
        new FileHandler(configuration).load(new StringReader(xml));
        return configuration;
    }

    @Test
    void readableAliasesWithTargetsAndFlags() throws Exception {
        ForwardingConfig config = read(
            "<aliases>"
                + "<alias address=\"info@example.com\"><target>alice@example.com</target><target>bob@gmail.example</target></alias>"
                + "<alias address=\"sales@example.com\" keepTag=\"true\"><target>carol@partner.example</target></alias>"
                + "<alias address=\"old@example.com\" disabled=\"reject\"/>"
                + "<alias address=\"trap@example.com\" disabled=\"drop\"/>"
                + "<alias address=\"support-*@example.com\"><target>helpdesk+$1@example.net</target></alias>"
                + "<alias address=\"@example.com\"><target>alice@example.com</target></alias>"
                + "</aliases>").orElseThrow();
        assertThat(config.aliases()).extracting(Object::toString).containsExactly(
            "info@example.com -> [alice@example.com, bob@gmail.example]",
            "sales@example.com -> [carol@partner.example] keepTag",
            "old@example.com -> [] disabled=reject",
            "trap@example.com -> [] disabled=drop",
            "support-*@example.com -> [helpdesk+$1@example.net]",
            "@example.com -> [alice@example.com]");
        assertThat(config.srs()).isEmpty();
        assertThat(config.forwardProcessor()).isEqualTo("transport");
        assertThat(config.bounceProcessor()).isEqualTo("bounces");
        assertThat(config.resolverSettings().delimiter()).isEqualTo("+");
        assertThat(config.resolverSettings().maxDepth()).isEqualTo(AliasResolver.DEFAULT_MAX_DEPTH);
        assertThat(config.resolverSettings().maxTargets()).isEqualTo(AliasResolver.DEFAULT_MAX_TARGETS);
    }

    @Test
    void noAliasForwardMailetMeansNoForwarding() throws Exception {
        assertThat(read(null)).isEmpty();
    }

    @Test
    void malformedAliasFailsNamingTheAlias() {
        assertThatThrownBy(() -> read("<aliases><alias address=\"info@example.com\"><target>alice@example.com</target></alias>"
            + "<alias address=\"sales@@example.com\"><target>carol@partner.example</target></alias></aliases>"))
            .isInstanceOf(ForwardingConfigException.class)
            .hasMessage("mailetcontainer.xml: setting mailet AliasForward <aliases> alias 'sales@@example.com': "
                + "'sales@@example.com' has an invalid character in its local part ('@')");
    }

    @Test
    void badTargetIsReportedWithItsAlias() {
        assertThatThrownBy(() -> read("<aliases><alias address=\"info@example.com\"><target>alice</target></alias></aliases>"))
            .hasMessageStartingWith("mailetcontainer.xml: setting mailet AliasForward <aliases> alias 'info@example.com': ")
            .hasMessageContaining("target 'alice' is not an address");
    }

    @Test
    void otherMistakesAreNamedToo() {
        assertThatThrownBy(() -> read("<aliases><alias><target>a@example.com</target></alias></aliases>"))
            .hasMessageContaining("alias '#1'").hasMessageContaining("address attribute is missing");
        assertThatThrownBy(() -> read("<aliases><alias address=\"a@example.com\" keeptag=\"true\"><target>b@example.com</target></alias></aliases>"))
            .hasMessageContaining("alias 'a@example.com'").hasMessageContaining("unknown attribute 'keeptag'");
        assertThatThrownBy(() -> read("<aliases><alias address=\"a@example.com\" disabled=\"maybe\"/></aliases>"))
            .hasMessageContaining("disabled=\"maybe\" is not one of no, reject, drop");
        assertThatThrownBy(() -> read("<aliases><alias address=\"a@example.com\"><to>b@example.com</to></alias></aliases>"))
            .hasMessageContaining("unknown element <to>");
        assertThatThrownBy(() -> read("<aliases><alias address=\"a@example.com\"/></aliases>"))
            .hasMessageContaining("alias 'a@example.com'").hasMessageContaining("at least one target");
        assertThatThrownBy(() -> read("<aliases><alias address=\"A@example.com\"><target>b@x.example</target></alias>"
            + "<alias address=\"a@Example.com\"><target>c@x.example</target></alias></aliases>"))
            .hasMessageContaining("alias 'a@example.com': defined twice");
        assertThatThrownBy(() -> read("<aliases><alias address=\"a@example.com\"><target>b@example.com</target></alias>"
            + "<alias address=\"b@example.com\"><target>a@example.com</target></alias></aliases>"))
            .hasMessageContaining("point back at each other: a@example.com -> b@example.com -> a@example.com");
        assertThatThrownBy(() -> read("<maxTargetsPerMesage>5</maxTargetsPerMesage>"))
            .hasMessageContaining("<maxTargetsPerMesage>: unknown parameter");
        assertThatThrownBy(() -> read("<maxNestingDepth>deep</maxNestingDepth>"))
            .hasMessageContaining("<maxNestingDepth>: must be a whole number of at least 1, was 'deep'");
        assertThatThrownBy(() -> read("<srsHashLength>6</srsHashLength>"))
            .hasMessageContaining("has no effect without <srsDomain>");
    }

    @Test
    void everyMessageIsOneLine() {
        assertThatThrownBy(() -> read("<aliases><alias address=\"bad\"><target>x@example.com</target></alias></aliases>"))
            .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").contains(": setting "));
    }

    @Test
    void srsWithAGeneratedSecretFile() throws Exception {
        ForwardingConfig config = read("<srsDomain>Example.COM</srsDomain><srsSecretsFile>file://conf/srs-secrets</srsSecretsFile>")
            .orElseThrow();
        assertThat(config.srs()).isPresent();
        assertThat(config.srs().get().domain()).isEqualTo("example.com");
        Path secrets = dir.resolve("conf/srs-secrets");
        assertThat(Files.readString(secrets).trim()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(Files.getPosixFilePermissions(secrets)).extracting(Object::toString)
            .containsExactlyInAnyOrder("OWNER_READ", "OWNER_WRITE");

        // the same secret on the next start
        String again = new SrsCodec(read("<srsDomain>example.com</srsDomain><srsSecretsFile>conf/srs-secrets</srsSecretsFile>")
            .orElseThrow().srs().get().settings(), Clock.systemUTC()).forward("a@b.example", "example.com");
        assertThat(new SrsCodec(config.srs().get().settings(), Clock.systemUTC()).reverse(again)).isEqualTo("a@b.example");
    }

    @Test
    void srsSettingsFromTheElement() throws Exception {
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/srs-secrets"), "n3w\n\ns3cr3t\n");
        ForwardingConfig config = read("<srsDomain>fwd.example.net</srsDomain><srsHashLength>6</srsHashLength>"
            + "<srsHashMinimum>4</srsHashMinimum><srsMaxAgeDays>10</srsMaxAgeDays><srsSeparator>+</srsSeparator>"
            + "<subaddressDelimiter>-</subaddressDelimiter><maxNestingDepth>2</maxNestingDepth>"
            + "<maxTargetsPerMessage>7</maxTargetsPerMessage><forwardProcessor>relay</forwardProcessor>").orElseThrow();
        assertThat(config.srs().get().settings().secretCount()).isEqualTo(2);
        assertThat(config.srs().get().settings().hashLength()).isEqualTo(6);
        assertThat(config.srs().get().settings().hashMinimum()).isEqualTo(4);
        assertThat(config.srs().get().settings().maxAgeDays()).isEqualTo(10);
        assertThat(config.srs().get().settings().separator()).isEqualTo('+');
        assertThat(config.resolverSettings().delimiter()).isEqualTo("-");
        assertThat(config.resolverSettings().maxDepth()).isEqualTo(2);
        assertThat(config.resolverSettings().maxTargets()).isEqualTo(7);
        assertThat(config.forwardProcessor()).isEqualTo("relay");
    }

    @Test
    void srsProblems() throws Exception {
        assertThatThrownBy(() -> read("<srsDomain>example.com</srsDomain><srsGenerateSecret>false</srsGenerateSecret>"))
            .hasMessageContaining("<srsSecretsFile>: cannot read the SRS secrets file 'conf/srs-secrets'");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/empty"), "\n");
        assertThatThrownBy(() -> read("<srsDomain>example.com</srsDomain><srsSecretsFile>conf/empty</srsSecretsFile>"))
            .hasMessageContaining("holds no secret");
        assertThatThrownBy(() -> read("<srsDomain>example.com</srsDomain><srsHashLength>2</srsHashLength>"))
            .hasMessageContaining("<srsHashLength>: must be a whole number from 4 to 27");
        assertThatThrownBy(() -> read("<srsDomain>example.com</srsDomain><srsSeparator>#</srsSeparator>"))
            .hasMessageContaining("'='");
        assertThatThrownBy(() -> read("<srsDomain>exa mple.com</srsDomain>"))
            .hasMessageContaining("<srsDomain>");
    }

    @Test
    void onlyOneAliasForwardMailet() throws Exception {
        String xml = "<mailetcontainer><processors><processor state=\"root\">"
            + "<mailet match=\"All\" class=\"io.postbridge.mailets.AliasForward\"/>"
            + "<mailet match=\"All\" class=\"io.postbridge.mailets.AliasForward\"/>"
            + "</processor></processors></mailetcontainer>";
        XMLConfiguration configuration = new XMLConfiguration();
        new FileHandler(configuration).load(new StringReader(xml));
        assertThatThrownBy(() -> ForwardingConfigReader.read(configuration, dir::resolve))
            .hasMessageContaining("declared 2 times");
        assertThat(List.of()).isEmpty();
    }
}
