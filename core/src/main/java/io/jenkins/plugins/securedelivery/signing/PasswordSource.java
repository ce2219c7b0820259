package io.jenkins.plugins.securedelivery.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Where the password of an encrypted cosign key comes from: an environment variable (cosign reads
 * {@code COSIGN_PASSWORD}), a file (a mounted secret), or a value the caller already holds (a Jenkins credential).
 * The password is read when the key is, and never printed: {@link #toString()} names the source only.
 */
public final class PasswordSource {

    private final String description;
    private final Reader reader;

    @FunctionalInterface
    private interface Reader {
        byte[] read(String keyFile);
    }

    private PasswordSource(String description, Reader reader) {
        this.description = description;
        this.reader = reader;
    }

    /** The password in environment variable {@code name}; an unset variable is an error, an empty one an empty password. */
    public static PasswordSource environment(String name) {
        return environment(name, System.getenv());
    }

    static PasswordSource environment(String name, Map<String, String> environment) {
        return new PasswordSource("environment variable " + name, keyFile -> {
            String value = environment.get(name);
            if (value == null) {
                throw new KeyFileException(keyFile, "the key is encrypted and environment variable " + name + " is not set",
                        "set " + name + " to the key's password (empty if it has none)");
            }
            return value.getBytes(StandardCharsets.UTF_8);
        });
    }

    /** The password in a file; one trailing line break is not part of it (what {@code echo pw > file} writes). */
    public static PasswordSource file(Path file) {
        return new PasswordSource("password file " + file, keyFile -> {
            byte[] content;
            try {
                content = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new KeyFileException(keyFile, "the password file " + file + " cannot be read (" + e.getClass().getSimpleName() + ")",
                        "check that the password file exists and is readable");
            }
            int end = content.length;
            if (end > 0 && content[end - 1] == '\n') end--;
            if (end > 0 && content[end - 1] == '\r') end--;
            byte[] password = Arrays.copyOf(content, end);
            Arrays.fill(content, (byte) 0);
            return password;
        });
    }

    /** A password the caller holds, e.g. from a credentials store. The array is copied. */
    public static PasswordSource of(char[] password) {
        byte[] bytes = new String(password).getBytes(StandardCharsets.UTF_8);
        return new PasswordSource("given password", keyFile -> bytes.clone());
    }

    /** No password: the key file is not encrypted, or was encrypted with an empty password. */
    public static PasswordSource none() {
        return new PasswordSource("no password", keyFile -> new byte[0]);
    }

    /** The password as UTF-8 bytes, read for {@code keyFile} (named in errors); the caller clears the array after use. */
    public byte[] read(String keyFile) {
        return reader.read(keyFile);
    }

    @Override
    public String toString() {
        return description;
    }
}
