package io.jenkins.plugins.securedelivery.plugin.steps;

import hudson.AbortException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jenkinsci.plugins.structs.describable.DescribableModel;
import org.jenkinsci.plugins.structs.describable.DescribableParameter;
import org.jenkinsci.plugins.structs.describable.UninstantiatedDescribable;
import org.jenkinsci.plugins.workflow.steps.Step;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;

/**
 * The descriptor of every step of this plugin. One string given where a step takes a list of strings is a list of
 * one ({@code files: 'bom.json'} is {@code files: ['bom.json']}), as with many Jenkins steps. Any other argument of the
 * wrong type, and a parameter the step does not have, fail before the step starts with a message that names the
 * parameter and what it takes, instead of Jenkins' "Could not instantiate {…}" (or, for a misspelt parameter, a
 * warning while the step runs without it: {@code requireAtestations} must not verify less than was asked).
 *
 * <p>Pipeline calls {@link #newInstance(Map)} when a descriptor overrides it; the parameters and their types come
 * from structs' {@link DescribableModel}, the model Jenkins itself instantiates steps with.
 */
public abstract class DeliveryStepDescriptor extends StepDescriptor {

    // Deprecated in favour of structs' CustomDescribableModel, which is @Restricted(Beta): plugin-pom's access-modifier
    // check refuses Beta APIs, so the override it replaces stays the supported way for a plugin to shape its arguments.
    @Override
    @SuppressWarnings("deprecation")
    public Step newInstance(Map<String, Object> arguments) throws Exception {
        DescribableModel<? extends Step> model = DescribableModel.of(clazz);
        Map<String, Object> given = new LinkedHashMap<>(arguments);
        DescribableParameter sole = model.getSoleRequiredParameter();
        if (given.size() == 1 && given.containsKey(UninstantiatedDescribable.ANONYMOUS_KEY) && sole != null) {
            // generateSbom('.') names its one required parameter without its name, as DescribableModel allows
            given = new LinkedHashMap<>();
            given.put(sole.getName(), arguments.get(UninstantiatedDescribable.ANONYMOUS_KEY));
        }
        for (Map.Entry<String, Object> argument : given.entrySet()) {
            if (argument.getKey().equals(UninstantiatedDescribable.ANONYMOUS_KEY)) {
                continue;
            }
            DescribableParameter parameter = model.getParameter(argument.getKey());
            if (parameter == null) {
                throw new AbortException(getFunctionName() + " has no parameter '" + argument.getKey() + "': its parameters are "
                        + String.join(", ", model.getParameters().stream().map(DescribableParameter::getName).sorted().toList()));
            }
            argument.setValue(checked(parameter, argument.getValue()));
        }
        return model.instantiate(given, null);
    }

    /** The value as the parameter takes it; refuses a value DescribableModel would refuse with a generic message, or take wrongly. */
    private Object checked(DescribableParameter parameter, Object value) throws AbortException {
        if (value == null) {
            return null;
        }
        String name = parameter.getName();
        Class<?> type = parameter.getErasedType();
        if (isListOfStrings(parameter.getRawType())) {
            if (value instanceof CharSequence one) {
                return new ArrayList<>(List.of(one.toString()));
            }
            if (!(value instanceof List<?> list)) {
                throw wrongType(name, "a list of strings (or one string)", value, "write " + name + ": ['…', '…']");
            }
            List<String> strings = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                if (!(list.get(i) instanceof CharSequence item)) {
                    throw wrongType(name + "[" + i + "]", "a string", list.get(i), "quote each item of " + name);
                }
                strings.add(item.toString());
            }
            return strings;
        }
        if (type == String.class && !(value instanceof CharSequence)) {
            throw wrongType(name, "a string", value, "quote it: " + name + ": '…'");
        }
        if ((type == boolean.class || type == Boolean.class) && !(value instanceof Boolean)
                && !(value instanceof CharSequence text && (text.toString().equalsIgnoreCase("true") || text.toString().equalsIgnoreCase("false")))) {
            // DescribableModel would read any other string, 'yes' included, as false
            throw wrongType(name, "true or false", value, "write " + name + ": true or " + name + ": false");
        }
        if ((type == int.class || type == Integer.class) && !(value instanceof Integer)
                && !(value instanceof CharSequence text && text.toString().strip().matches("-?\\d{1,9}"))) {
            throw wrongType(name, "a whole number", value, "write " + name + ": 10");
        }
        return value;
    }

    private static boolean isListOfStrings(Type type) {
        return type instanceof ParameterizedType generic && generic.getRawType() instanceof Class<?> raw
                && Collection.class.isAssignableFrom(raw) && generic.getActualTypeArguments()[0] == String.class;
    }

    /** Names the kind of value given, never the value: a misplaced argument may be a secret. */
    private AbortException wrongType(String parameter, String expected, Object value, String fix) {
        String given = value instanceof CharSequence ? "a string" : value instanceof List ? "a list" : value instanceof Map ? "a map"
                : value instanceof Boolean ? "true or false" : value instanceof Number ? "a number"
                : "a " + value.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        return new AbortException(getFunctionName() + ": " + parameter + " takes " + expected + ", not " + given + ": " + fix);
    }
}
