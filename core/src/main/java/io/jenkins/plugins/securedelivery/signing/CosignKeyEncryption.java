package io.jenkins.plugins.securedelivery.signing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * The body of cosign's {@code ENCRYPTED SIGSTORE PRIVATE KEY} PEM block, as go-securesystemslib's {@code encrypted}
 * package writes it: JSON {@code {"kdf":{"name":"scrypt","params":{"N","r","p"},"salt"},"cipher":{"name":
 * "nacl/secretbox","nonce"},"ciphertext"}}, the key derived with scrypt and the PKCS#8 key sealed with NaCl secretbox.
 * Bouncy Castle has scrypt, XSalsa20 and Poly1305 but no secretbox composition (nor does any Java library on Central
 * that we already depend on), so the dozen lines of secretbox are written here, after NaCl's crypto_secretbox.
 */
final class CosignKeyEncryption {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int KEY_SIZE = 32;
    private static final int NONCE_SIZE = 24;
    private static final int TAG_SIZE = 16;
    private static final int SALT_SIZE = 32;
    /** go-securesystemslib's Legacy, Standard and OWASP levels; anything else is refused, as cosign does, so a
     * tampered file cannot make us spend unbounded memory and time. */
    private static final Set<Integer> ACCEPTED_N = Set.of(32768, 65536, 131072);
    /** Standard: what cosign generate-key-pair writes today. */
    private static final int WRITTEN_N = 65536;

    private CosignKeyEncryption() {}

    /** Thrown when the password does not open the box. */
    static final class WrongPassword extends Exception {
        WrongPassword() {
            super("secretbox authentication failed", null, false, false);
        }
    }

    static byte[] decrypt(String file, byte[] body, byte[] password) throws WrongPassword {
        JsonNode data;
        try {
            data = JSON.readTree(body);
        } catch (IOException e) {
            throw new KeyFileException(file, "the encrypted key is not the JSON cosign writes", "regenerate it with cosign generate-key-pair or our keys generate");
        }
        if (data == null || !"scrypt".equals(data.path("kdf").path("name").asText())
                || !"nacl/secretbox".equals(data.path("cipher").path("name").asText())) {
            throw new KeyFileException(file, "the encrypted key uses another key derivation or cipher than scrypt with nacl/secretbox",
                    "use a key written by cosign (generate-key-pair or import-key-pair)");
        }
        JsonNode params = data.path("kdf").path("params");
        int n = params.path("N").asInt();
        int r = params.path("r").asInt();
        int p = params.path("p").asInt();
        if (!ACCEPTED_N.contains(n) || r != 8 || p != 1) {
            throw new KeyFileException(file, "the encrypted key has scrypt parameters cosign never writes (N=" + n + ", r=" + r + ", p=" + p + ")",
                    "use a key written by cosign, or re-encrypt it with cosign import-key-pair");
        }
        byte[] salt = base64(file, data.path("kdf").path("salt"));
        byte[] nonce = base64(file, data.path("cipher").path("nonce"));
        byte[] box = base64(file, data.path("ciphertext"));
        if (nonce.length != NONCE_SIZE || box.length < TAG_SIZE) {
            throw new KeyFileException(file, "the encrypted key is truncated or damaged", "restore the key file from where it was generated");
        }
        byte[] key = SCrypt.generate(password, salt, n, r, p, KEY_SIZE);
        try {
            return open(box, nonce, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    static byte[] encrypt(byte[] plaintext, byte[] password, SecureRandom random) {
        byte[] salt = new byte[SALT_SIZE];
        byte[] nonce = new byte[NONCE_SIZE];
        random.nextBytes(salt);
        random.nextBytes(nonce);
        byte[] key = SCrypt.generate(password, salt, WRITTEN_N, 8, 1, KEY_SIZE);
        byte[] box;
        try {
            box = seal(plaintext, nonce, key);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
        // Field order and names as Go's encoding/json writes go-securesystemslib's structs.
        ObjectNode data = JSON.createObjectNode();
        ObjectNode kdf = data.putObject("kdf");
        kdf.put("name", "scrypt");
        kdf.putObject("params").put("N", WRITTEN_N).put("r", 8).put("p", 1);
        kdf.put("salt", Base64.getEncoder().encodeToString(salt));
        data.putObject("cipher").put("name", "nacl/secretbox").put("nonce", Base64.getEncoder().encodeToString(nonce));
        data.put("ciphertext", Base64.getEncoder().encodeToString(box));
        try {
            return JSON.writeValueAsBytes(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** crypto_secretbox: XSalsa20 stream; its first 32 bytes key Poly1305; the box is tag || ciphertext. */
    static byte[] seal(byte[] message, byte[] nonce, byte[] key) {
        XSalsa20Engine stream = stream(nonce, key);
        byte[] macKey = new byte[KEY_SIZE];
        stream.processBytes(new byte[KEY_SIZE], 0, KEY_SIZE, macKey, 0);
        byte[] box = new byte[TAG_SIZE + message.length];
        stream.processBytes(message, 0, message.length, box, TAG_SIZE);
        byte[] tag = poly1305(macKey, box, TAG_SIZE, message.length);
        System.arraycopy(tag, 0, box, 0, TAG_SIZE);
        return box;
    }

    static byte[] open(byte[] box, byte[] nonce, byte[] key) throws WrongPassword {
        XSalsa20Engine stream = stream(nonce, key);
        byte[] macKey = new byte[KEY_SIZE];
        stream.processBytes(new byte[KEY_SIZE], 0, KEY_SIZE, macKey, 0);
        byte[] expected = poly1305(macKey, box, TAG_SIZE, box.length - TAG_SIZE);
        if (!MessageDigest.isEqual(expected, Arrays.copyOf(box, TAG_SIZE))) {
            throw new WrongPassword();
        }
        byte[] message = new byte[box.length - TAG_SIZE];
        stream.processBytes(box, TAG_SIZE, message.length, message, 0);
        return message;
    }

    private static XSalsa20Engine stream(byte[] nonce, byte[] key) {
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return engine;
    }

    private static byte[] poly1305(byte[] key, byte[] data, int offset, int length) {
        Poly1305 mac = new Poly1305();
        mac.init(new KeyParameter(key));
        mac.update(data, offset, length);
        byte[] tag = new byte[TAG_SIZE];
        mac.doFinal(tag, 0);
        return tag;
    }

    private static byte[] base64(String file, JsonNode node) {
        try {
            return Base64.getDecoder().decode(node.asText());
        } catch (IllegalArgumentException e) {
            throw new KeyFileException(file, "the encrypted key is damaged (a field is not base64)", "restore the key file from where it was generated");
        }
    }
}
