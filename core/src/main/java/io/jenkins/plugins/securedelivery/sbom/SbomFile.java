package io.jenkins.plugins.securedelivery.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jenkins.plugins.securedelivery.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.parsers.JsonParser;
import org.cyclonedx.parsers.Parser;
import org.cyclonedx.parsers.XmlParser;

/** Reading, validating and writing SBOM files. Writes are all or nothing: a temporary file renamed when complete. */
public final class SbomFile {

    private static final Pattern XML_SPEC = Pattern.compile("http://cyclonedx\\.org/schema/bom/(1\\.\\d)");
    private static final long MAX_SBOM_BYTES = 512L * 1024 * 1024;

    private SbomFile() {}

    /** The SBOM as CycloneDX 1.6 bytes in the given format. */
    public static byte[] encode(Bom bom, SbomFormat format) {
        try {
            String text = format == SbomFormat.JSON
                    ? BomGeneratorFactory.createJson(BomAssembly.SPEC, bom).toJsonString() + "\n"
                    : BomGeneratorFactory.createXml(BomAssembly.SPEC, bom).toXmlString();
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (GeneratorException e) {
            throw new IllegalStateException("cannot serialise the SBOM: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the SBOM to {@code out}: to a temporary file beside it first, renamed over {@code out} only when complete,
     * so a reader never sees half an SBOM and a failed run leaves the previous file as it was.
     */
    public static void write(Bom bom, SbomFormat format, Path out) throws IOException {
        writeAtomically(encode(bom, format), out);
    }

    static void writeAtomically(byte[] bytes, Path out) throws IOException {
        Path target = out.toAbsolutePath();
        Path dir = target.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new SbomInputException(out.toString(), 0, "its directory does not exist", "create " + dir + " first or choose another output path");
        }
        if (Files.isDirectory(target)) {
            throw new SbomInputException(out.toString(), 0, "is a directory", "give a file name, e.g. " + out.resolve("bom.json"));
        }
        AtomicFile.write(target, bytes);
    }

    /** The problems that make {@code file} an invalid CycloneDX document, per the schema of its own spec version. */
    public static List<String> validate(Path file) throws IOException {
        byte[] bytes = readBytes(file);
        try {
            Version version = version(file, bytes);
            if (formatOf(bytes) == SbomFormat.XML) {
                return new XmlParser().validate(bytes, version).stream().map(ParseException::getMessage).toList();
            }
            // The library's own JSON validation drops where an error is; its schema, asked directly, keeps the path.
            ObjectMapper mapper = new ObjectMapper();
            return new JsonParser().getJsonSchema(version, mapper).validate(mapper.readTree(bytes)).stream()
                    .map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
        } catch (SbomInputException e) {
            return List.of(e.getMessage());
        }
    }

    /** Reads an SBOM, refusing one that is not valid against its schema. */
    public static Bom read(Path file) throws IOException {
        List<String> problems = validate(file);
        if (!problems.isEmpty()) {
            throw new SbomInputException(file.toString(), 0, "not a valid CycloneDX SBOM: " + String.join("; ", problems.subList(0, Math.min(5, problems.size()))).replaceFirst("\\.$", ""),
                    "check it with `secure-delivery sbom validate " + file + "`");
        }
        byte[] bytes = readBytes(file);
        try {
            return parser(file, bytes).parse(bytes);
        } catch (ParseException e) {
            throw new SbomInputException(file.toString(), 0, "cannot be parsed: " + e.getMessage(), "regenerate it");
        }
    }

    /** The format of an SBOM file, told from its first character. */
    public static SbomFormat formatOf(byte[] bytes) {
        for (byte b : bytes) {
            if (!Character.isWhitespace(b) && b != (byte) 0xEF && b != (byte) 0xBB && b != (byte) 0xBF) {
                return b == '<' ? SbomFormat.XML : SbomFormat.JSON;
            }
        }
        return SbomFormat.JSON;
    }

    private static byte[] readBytes(Path file) throws IOException {
        try {
            if (Files.size(file) > MAX_SBOM_BYTES) {
                throw new SbomInputException(file.toString(), 0, "larger than " + MAX_SBOM_BYTES / (1024 * 1024) + " MiB", "check that it is an SBOM");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new SbomInputException(file.toString(), 0, "no such file", "give the path of a CycloneDX SBOM");
        }
    }

    private static Parser parser(Path file, byte[] bytes) {
        return formatOf(bytes) == SbomFormat.XML ? new XmlParser() : new JsonParser();
    }

    private static Version version(Path file, byte[] bytes) {
        String spec;
        if (formatOf(bytes) == SbomFormat.XML) {
            Matcher m = XML_SPEC.matcher(new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8));
            if (!m.find()) {
                throw new SbomInputException(file.toString(), 1, "no CycloneDX namespace", "an XML SBOM's root is <bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\">");
            }
            spec = m.group(1);
        } else {
            JsonNode root;
            try {
                root = new ObjectMapper().readTree(bytes);
            } catch (IOException e) {
                int line = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null ? j.getLocation().getLineNr() : 0;
                throw new SbomInputException(file.toString(), line, "not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", "regenerate it");
            }
            if (root == null || !root.path("bomFormat").asText().equals("CycloneDX")) {
                throw new SbomInputException(file.toString(), 0, "not a CycloneDX document (no \"bomFormat\": \"CycloneDX\")", "give a CycloneDX SBOM");
            }
            spec = root.path("specVersion").asText();
        }
        Version version = Version.fromVersionString(spec);
        if (version == null) {
            throw new SbomInputException(file.toString(), 0, "unknown CycloneDX specVersion '" + spec + "'", "CycloneDX 1.0 to 1.6 are supported");
        }
        return version;
    }
}
