package io.postbridge.core.alias;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.commons.configuration2.HierarchicalConfiguration;
import org.apache.commons.configuration2.tree.ImmutableNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.postbridge.core.config.SettingProblem;
import io.postbridge.core.config.SettingsReader;
import io.postbridge.core.srs.SrsSecretsFile;
import io.postbridge.core.srs.SrsSettings;

/**
 * Reads the {@code AliasForward} mailet element of mailetcontainer.xml as an XML tree.
 *
 * <p>Why not the mailet's init parameters: James flattens a mailet's nested elements into dotted keys and joins
 * repeated elements with commas ({@code aliases.alias.target = "a,b,c"}), which loses which target belongs to
 * which alias. So the element is read from the same file, through James's own configuration provider.
 *
 * <pre>{@code
 * <mailet match="All" class="io.postbridge.mailets.AliasForward">
 *     <srsDomain>example.com</srsDomain>
 *     <aliases>
 *         <alias address="info@example.com">
 *             <target>alice@example.com</target>
 *             <target>bob@gmail.example</target>
 *         </alias>
 *         <alias address="sales@example.com" keepTag="true"><target>carol@partner.example</target></alias>
 *         <alias address="old@example.com" disabled="reject"/>
 *         <alias address="support-*@example.com"><target>helpdesk+$1@example.net</target></alias>
 *         <alias address="@example.com"><target>alice@example.com</target></alias>
 *     </aliases>
 * </mailet>
 * }</pre>
 */
public final class ForwardingConfigReader {
    public static final String MAILET_CLASS = "io.postbridge.mailets.AliasForward";
    public static final String FILE = "mailetcontainer.xml";
    public static final String DEFAULT_SECRETS_FILE = "conf/srs-secrets";

    public static final String SRS_DOMAIN = "srsDomain";
    public static final String SRS_SECRETS_FILE = "srsSecretsFile";
    public static final String SRS_GENERATE_SECRET = "srsGenerateSecret";
    public static final String SRS_HASH_LENGTH = "srsHashLength";
    public static final String SRS_HASH_MINIMUM = "srsHashMinimum";
    public static final String SRS_MAX_AGE_DAYS = "srsMaxAgeDays";
    public static final String SRS_SEPARATOR = "srsSeparator";
    public static final String SUBADDRESS_DELIMITER = "subaddressDelimiter";
    public static final String MAX_NESTING_DEPTH = "maxNestingDepth";
    public static final String MAX_TARGETS = "maxTargetsPerMessage";
    public static final String FORWARD_PROCESSOR = "forwardProcessor";
    public static final String BOUNCE_PROCESSOR = "bounceProcessor";
    public static final String ALIASES = "aliases";

    /** Every child element the mailet accepts, James's own container parameters included. */
    public static final Set<String> PARAMETERS = Set.of(SRS_DOMAIN, SRS_SECRETS_FILE, SRS_GENERATE_SECRET,
        SRS_HASH_LENGTH, SRS_HASH_MINIMUM, SRS_MAX_AGE_DAYS, SRS_SEPARATOR, SUBADDRESS_DELIMITER, MAX_NESTING_DEPTH,
        MAX_TARGETS, FORWARD_PROCESSOR, BOUNCE_PROCESSOR, ALIASES, "onMailetException", "onMatchException");

    private static final Set<String> ALIAS_ATTRIBUTES = Set.of("address", "keepTag", "disabled");
    private static final Logger LOGGER = LoggerFactory.getLogger(ForwardingConfigReader.class);

    /** Finds a file named in the configuration ({@code conf/srs-secrets}, {@code file://conf/srs-secrets}). */
    @FunctionalInterface
    public interface FileLocator {
        Path locate(String location) throws IOException;
    }

    private ForwardingConfigReader() {
    }

    /** @param mailetContainer the whole of mailetcontainer.xml */
    public static Optional<ForwardingConfig> read(HierarchicalConfiguration<ImmutableNode> mailetContainer,
                                                  FileLocator files) throws ForwardingConfigException {
        ImmutableNode root = mailetContainer.getNodeModel().getNodeHandler().getRootNode();
        List<ImmutableNode> found = new ArrayList<>();
        for (ImmutableNode processors : children(root, "processors")) {
            for (ImmutableNode processor : children(processors, "processor")) {
                for (ImmutableNode mailet : children(processor, "mailet")) {
                    if (MAILET_CLASS.equals(mailet.getAttributes().get("class"))) {
                        found.add(mailet);
                    }
                }
            }
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        if (found.size() > 1) {
            throw problem("mailet AliasForward", "declared " + found.size() + " times; declare it once (its aliases "
                + "and SRS settings are shared with the RCPT hook and WebAdmin)");
        }
        return Optional.of(parseMailet(found.get(0), files));
    }

    static ForwardingConfig parseMailet(ImmutableNode mailet, FileLocator files) throws ForwardingConfigException {
        for (ImmutableNode child : mailet.getChildren()) {
            if (!PARAMETERS.contains(child.getNodeName())) {
                throw problem(setting(child.getNodeName()), SettingsReader.unknownMessage(child.getNodeName(), PARAMETERS)
                    .replaceFirst("unknown setting", "unknown parameter"));
            }
            int count = children(mailet, child.getNodeName()).size();
            if (count > 1 && !child.getNodeName().equals(ALIASES)) {
                throw problem(setting(child.getNodeName()), "appears " + count + " times");
            }
        }
        SettingsReader settings = SettingsReader.of(FILE, ForwardingConfigReader::setting, name -> value(mailet, name));
        try {
            AliasResolver.Settings resolverSettings = resolverSettings(mailet, settings);
            List<AliasDefinition> aliases = aliases(mailet, resolverSettings.delimiter());
            Optional<ForwardingConfig.Srs> srs = srs(settings, files);
            return new ForwardingConfig(aliases, resolverSettings, srs,
                settings.string(FORWARD_PROCESSOR, ForwardingConfig.DEFAULT_FORWARD_PROCESSOR),
                settings.string(BOUNCE_PROCESSOR, ForwardingConfig.DEFAULT_BOUNCE_PROCESSOR));
        } catch (SettingProblem.Invalid e) {
            throw new ForwardingConfigException(e.getMessage());
        }
    }

    private static String setting(String parameter) {
        return "mailet AliasForward <" + parameter + ">";
    }

    private static AliasResolver.Settings resolverSettings(ImmutableNode mailet, SettingsReader settings) throws ForwardingConfigException {
        // not read as absent when blank: an empty delimiter turns sub-addressing off
        String delimiter = value(mailet, SUBADDRESS_DELIMITER).map(String::trim).orElse("+");
        int depth = settings.integer(MAX_NESTING_DEPTH, AliasResolver.DEFAULT_MAX_DEPTH, 1, Integer.MAX_VALUE);
        int targets = settings.integer(MAX_TARGETS, AliasResolver.DEFAULT_MAX_TARGETS, 1, Integer.MAX_VALUE);
        try {
            return new AliasResolver.Settings(delimiter, depth, targets);
        } catch (IllegalArgumentException e) {
            throw problem("mailet AliasForward", e.getMessage());
        }
    }

    private static List<AliasDefinition> aliases(ImmutableNode mailet, String delimiter) throws ForwardingConfigException {
        List<ImmutableNode> blocks = children(mailet, ALIASES);
        if (blocks.size() > 1) {
            throw problem("mailet AliasForward <aliases>", "appears " + blocks.size() + " times; use one <aliases> block");
        }
        List<AliasDefinition> aliases = new ArrayList<>();
        Map<String, AliasDefinition> byKey = new java.util.HashMap<>();
        if (blocks.isEmpty()) {
            return aliases;
        }
        int position = 0;
        for (ImmutableNode node : blocks.get(0).getChildren()) {
            position++;
            if (!node.getNodeName().equals("alias")) {
                throw problem("mailet AliasForward <aliases> <" + node.getNodeName() + ">",
                    "unknown element; only <alias> elements may appear here");
            }
            AliasDefinition alias = alias(node, position);
            AliasDefinition previous = byKey.put(alias.source().key(), alias);
            if (previous != null) {
                throw problem(aliasSetting(alias.source().key()), "defined twice");
            }
            aliases.add(alias);
        }
        Optional<String> cycle = AliasCycles.find(aliases, delimiter);
        if (cycle.isPresent()) {
            throw problem("mailet AliasForward <aliases>", "aliases point back at each other: " + cycle.get());
        }
        return aliases;
    }

    private static AliasDefinition alias(ImmutableNode node, int position) throws ForwardingConfigException {
        Object address = node.getAttributes().get("address");
        String name = address == null ? "#" + position : address.toString();
        String setting = aliasSetting(name);
        if (address == null || address.toString().trim().isEmpty()) {
            throw problem(setting, "the address attribute is missing (address=\"info@example.com\")");
        }
        for (String attribute : node.getAttributes().keySet()) {
            if (!ALIAS_ATTRIBUTES.contains(attribute)) {
                throw problem(setting, "unknown attribute '" + attribute + "'; expected " + new java.util.TreeSet<>(ALIAS_ATTRIBUTES));
            }
        }
        List<String> targets = new ArrayList<>();
        for (ImmutableNode child : node.getChildren()) {
            if (!child.getNodeName().equals("target")) {
                throw problem(setting, "unknown element <" + child.getNodeName() + ">; targets are written <target>address</target>");
            }
            targets.add(child.getValue() == null ? "" : child.getValue().toString());
        }
        Object keepTagValue = node.getAttributes().get("keepTag");
        boolean keepTag = keepTagValue == null ? false : SettingsReader.parseBoolean(keepTagValue.toString())
            .orElseThrow(() -> problem(setting + " keepTag", "'" + keepTagValue + "' is not true or false (or yes or no)"));
        DisabledMode disabled = DisabledMode.NO;
        Object disabledValue = node.getAttributes().get("disabled");
        if (disabledValue != null) {
            disabled = DisabledMode.fromWireName(disabledValue.toString())
                .orElseThrow(() -> problem(setting, "disabled=\"" + disabledValue + "\" is not one of "
                    + DisabledMode.allWireNames()));
        }
        try {
            return AliasDefinition.of(address.toString(), targets, keepTag, disabled);
        } catch (InvalidAliasException e) {
            throw problem(setting, e.getMessage());
        }
    }

    private static Optional<ForwardingConfig.Srs> srs(SettingsReader settings, FileLocator files) throws ForwardingConfigException {
        Optional<String> domain = settings.string(SRS_DOMAIN);
        if (domain.isEmpty()) {
            for (String name : List.of(SRS_SECRETS_FILE, SRS_HASH_LENGTH, SRS_HASH_MINIMUM, SRS_MAX_AGE_DAYS, SRS_SEPARATOR)) {
                if (settings.string(name).isPresent()) {
                    throw problem(setting(name), "has no effect without <" + SRS_DOMAIN + ">");
                }
            }
            return Optional.empty();
        }
        String srsDomain = domain.get().toLowerCase(Locale.ROOT);
        try {
            AliasSource.checkDomain(srsDomain, srsDomain);
        } catch (InvalidAliasException e) {
            throw problem(setting(SRS_DOMAIN), e.getMessage());
        }
        String location = settings.string(SRS_SECRETS_FILE, DEFAULT_SECRETS_FILE);
        String secretsSetting = setting(SRS_SECRETS_FILE);
        List<String> secrets;
        try {
            Path file = files.locate(location);
            if (settings.bool(SRS_GENERATE_SECRET, true) && SrsSecretsFile.createIfMissing(file, new SecureRandom())) {
                LOGGER.warn("Postbridge: generated a new SRS secret in {}; on several servers, copy this file to all of them",
                    file);
            }
            secrets = SrsSecretsFile.read(file);
        } catch (IOException e) {
            throw new ForwardingConfigException(SettingProblem.describe(FILE, secretsSetting,
                "cannot read the SRS secrets file '" + location + "': " + e.getMessage()), e);
        }
        if (secrets.isEmpty()) {
            throw problem(secretsSetting, "the SRS secrets file '" + location + "' holds no secret (one per line, first signs)");
        }
        try {
            SrsSettings.Builder srs = SrsSettings.builder().secrets(secrets)
                .hashLength(settings.integer(SRS_HASH_LENGTH, SrsSettings.DEFAULT_HASH_LENGTH, SrsSettings.MIN_HASH_LENGTH, SrsSettings.MAX_HASH_LENGTH))
                .maxAgeDays(settings.integer(SRS_MAX_AGE_DAYS, SrsSettings.DEFAULT_MAX_AGE_DAYS, 1, SrsSettings.MAX_MAX_AGE_DAYS));
            settings.integer(SRS_HASH_MINIMUM, SrsSettings.MIN_HASH_LENGTH, SrsSettings.MAX_HASH_LENGTH).ifPresent(srs::hashMinimum);
            Optional<String> separator = settings.string(SRS_SEPARATOR);
            if (separator.isPresent()) {
                if (separator.get().length() != 1) {
                    throw problem(setting(SRS_SEPARATOR), "must be one of '=', '+', '-'");
                }
                srs.separator(separator.get().charAt(0));
            }
            return Optional.of(new ForwardingConfig.Srs(srsDomain, srs.build()));
        } catch (SettingProblem.Invalid e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw problem("mailet AliasForward (SRS)", e.getMessage());
        }
    }

    private static String aliasSetting(String name) {
        return "mailet AliasForward <aliases> alias '" + name + "'";
    }

    private static List<ImmutableNode> children(ImmutableNode parent, String name) {
        List<ImmutableNode> matching = new ArrayList<>();
        for (ImmutableNode child : parent.getChildren()) {
            if (child.getNodeName().equals(name)) {
                matching.add(child);
            }
        }
        return matching;
    }

    /** The raw value of a child element; the caller has checked that it appears at most once. */
    private static Optional<String> value(ImmutableNode parent, String name) {
        List<ImmutableNode> nodes = children(parent, name);
        if (nodes.isEmpty()) {
            return Optional.empty();
        }
        Object value = nodes.get(0).getValue();
        return Optional.of(value == null ? "" : value.toString());
    }

    private static ForwardingConfigException problem(String setting, String what) {
        return new ForwardingConfigException(SettingProblem.describe(FILE, setting, what));
    }
}
