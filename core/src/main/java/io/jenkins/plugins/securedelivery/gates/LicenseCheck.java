package io.jenkins.plugins.securedelivery.gates;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a component's licences are allowed. SPDX expressions are evaluated by hand: the SPDX Java tools are a large
 * dependency for a grammar of ids, parentheses, AND, OR, WITH and "+". OR needs one allowed choice, AND needs all;
 * several licence entries on one component must all be allowed (the conservative reading of CycloneDX).
 */
final class LicenseCheck {

    enum Result { ALLOWED, DENIED, UNKNOWN }

    private final Set<String> allowed = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);

    LicenseCheck(List<String> allowedIds) {
        allowed.addAll(allowedIds);
    }

    Result check(List<String> licenses) {
        if (licenses.isEmpty()) {
            return Result.UNKNOWN;
        }
        List<Result> each = new ArrayList<>();
        for (String license : licenses) {
            each.add(license.startsWith("name:") ? Result.UNKNOWN : expression(license));
        }
        return all(each);
    }

    private Result expression(String text) {
        List<String> tokens = new ArrayList<>();
        for (String word : text.replace("(", " ( ").replace(")", " ) ").trim().split("\\s+")) {
            if (!word.isEmpty()) {
                tokens.add(word);
            }
        }
        Parser parser = new Parser(tokens);
        try {
            Result result = parser.or();
            return parser.position == tokens.size() ? result : Result.UNKNOWN;
        } catch (IllegalArgumentException | IndexOutOfBoundsException unreadable) {
            return Result.UNKNOWN;
        }
    }

    private final class Parser {
        private final List<String> tokens;
        private int position;

        Parser(List<String> tokens) {
            this.tokens = tokens;
        }

        Result or() {
            List<Result> choices = new ArrayList<>(List.of(and()));
            while (position < tokens.size() && keyword("OR")) {
                position++;
                choices.add(and());
            }
            return choices.contains(Result.ALLOWED) ? Result.ALLOWED : choices.contains(Result.UNKNOWN) ? Result.UNKNOWN : Result.DENIED;
        }

        Result and() {
            List<Result> parts = new ArrayList<>(List.of(term()));
            while (position < tokens.size() && keyword("AND")) {
                position++;
                parts.add(term());
            }
            return all(parts);
        }

        Result term() {
            String token = tokens.get(position++);
            Result result;
            if (token.equals("(")) {
                result = or();
                if (!tokens.get(position++).equals(")")) {
                    throw new IllegalArgumentException("unbalanced parentheses");
                }
            } else if (token.equals(")") || isKeyword(token)) {
                throw new IllegalArgumentException("unexpected " + token);
            } else {
                result = id(token.endsWith("+") ? token.substring(0, token.length() - 1) : token);
            }
            if (position < tokens.size() && keyword("WITH")) {
                position += 2;
            }
            return result;
        }

        private boolean keyword(String word) {
            return tokens.get(position).toUpperCase(Locale.ROOT).equals(word);
        }
    }

    private Result id(String id) {
        if (allowed.contains(id)) {
            return Result.ALLOWED;
        }
        String upper = id.toUpperCase(Locale.ROOT);
        return upper.equals("NOASSERTION") || upper.equals("NONE") || upper.startsWith("LICENSEREF-") ? Result.UNKNOWN : Result.DENIED;
    }

    private static boolean isKeyword(String token) {
        String upper = token.toUpperCase(Locale.ROOT);
        return upper.equals("AND") || upper.equals("OR") || upper.equals("WITH");
    }

    private static Result all(List<Result> parts) {
        return parts.contains(Result.DENIED) ? Result.DENIED : parts.contains(Result.UNKNOWN) ? Result.UNKNOWN : Result.ALLOWED;
    }
}
