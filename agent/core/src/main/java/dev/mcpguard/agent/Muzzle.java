package dev.mcpguard.agent;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.pool.TypePool;

/**
 * Whether an adapter's helper and advice classes link against the server classes of one class
 * loader: every type, method and field they name outside the JDK and the agent must be there as
 * the bytecode assumes it (a class or an interface, static or not, the same descriptor), and
 * every abstract method of a server type a helper implements must be implemented. A server
 * version the adapter was not written for fails here, at load, instead of failing on every
 * request with a {@link LinkageError} that {@code MCPGUARD_ON_ERROR=allow} would wave through.
 *
 * <p>The references are read once per adapter from the agent's own class files; they are
 * resolved in a {@link TypePool} over the server's class loader, which reads class files and
 * loads or initializes none of them.
 */
final class Muzzle {
    private final List<Reference> references;

    private Muzzle(List<Reference> references) {
        this.references = references;
    }

    /** Reads the references of {@code classNames} (helpers and advice) from the agent's class files. */
    static Muzzle of(ClassFileLocator agentClasses, Collection<String> classNames) throws IOException {
        Set<String> own = new HashSet<>();
        for (String name : classNames) {
            own.add(name.replace('.', '/'));
        }
        Collector collector = new Collector(own);
        for (String name : classNames) {
            new ClassReader(agentClasses.locate(name).resolve()).accept(collector, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        return new Muzzle(List.copyOf(collector.references));
    }

    /** @return {@code null} when everything links on {@code classLoader}, else the first reference that does not */
    String firstMissing(ClassLoader classLoader) {
        ClassFileLocator locator = classLoader == null
                ? ClassFileLocator.ForClassLoader.ofBootLoader()
                : ClassFileLocator.ForClassLoader.of(classLoader);
        // The JDK's own types are described from their loaded classes: reading them from the
        // runtime image would cost more than everything else the check does.
        TypePool pool = new TypePool.Default(new TypePool.CacheProvider.Simple(), locator,
                TypePool.Default.ReaderMode.FAST, TypePool.ClassLoading.ofBootLoader());
        for (Reference reference : references) {
            String missing;
            try {
                missing = reference.missingIn(pool);
            } catch (RuntimeException unresolvable) {
                // A super type or a descriptor's type that the pool cannot find.
                missing = reference + ": " + unresolvable.getMessage();
            }
            if (missing != null) {
                return missing;
            }
        }
        return null;
    }

    /** Neither the JDK's {@code java.*} nor the agent's own (relocated dependencies included) can be missing. */
    private static boolean checked(String internalName) {
        return !internalName.startsWith("java/") && !internalName.startsWith("dev/mcpguard/")
                && !internalName.startsWith("net/bytebuddy/");
    }

    /** One thing a helper or advice class needs from the server. */
    abstract static class Reference {
        final String owner;
        final String from;

        Reference(String owner, String from) {
            this.owner = owner;
            this.from = from;
        }

        /** @return {@code null} when it resolves in {@code pool}, else what is missing */
        abstract String missingIn(TypePool pool);

        TypeDescription type(TypePool pool) {
            TypePool.Resolution resolution = pool.describe(owner.replace('/', '.'));
            return resolution.isResolved() ? resolution.resolve() : null;
        }

        String ownerName() {
            return owner.replace('/', '.');
        }

        String by() {
            return " (needed by " + from.substring(from.lastIndexOf('/') + 1) + ")";
        }

        @Override
        public String toString() {
            return ownerName();
        }
    }

    /** A type that must exist, and be a class or an interface when the bytecode says which. */
    static final class TypeReference extends Reference {
        /** {@code null}: either will do. */
        private final Boolean isInterface;

        TypeReference(String owner, Boolean isInterface, String from) {
            super(owner, from);
            this.isInterface = isInterface;
        }

        @Override
        String missingIn(TypePool pool) {
            TypeDescription type = type(pool);
            if (type == null) {
                return "class " + ownerName() + " is missing" + by();
            }
            if (isInterface != null && type.isInterface() != isInterface) {
                return ownerName() + " is " + (type.isInterface() ? "an interface" : "a class") + ", "
                        + (isInterface ? "an interface" : "a class") + " was expected" + by();
            }
            return null;
        }
    }

    /** A method called (or referenced by a method handle), looked up as the JVM resolves it. */
    static final class MethodReference extends Reference {
        private final boolean ownerIsInterface;
        private final String name;
        private final String descriptor;
        private final boolean isStatic;
        /** Constructors are looked up in the owner only; every other method up its hierarchy, super calls too. */
        private final boolean exact;

        MethodReference(String owner, boolean ownerIsInterface, String name, String descriptor,
                        boolean isStatic, boolean exact, String from) {
            super(owner, from);
            this.ownerIsInterface = ownerIsInterface;
            this.name = name;
            this.descriptor = descriptor;
            this.isStatic = isStatic;
            this.exact = exact;
        }

        @Override
        String missingIn(TypePool pool) {
            String typeMissing = new TypeReference(owner, ownerIsInterface, from).missingIn(pool);
            if (typeMissing != null) {
                return typeMissing;
            }
            TypeDescription type = type(pool);
            MethodDescription method = exact ? declared(type) : inHierarchy(type);
            if (method == null) {
                return "method " + this + " is missing" + by();
            }
            if (method.isStatic() != isStatic) {
                return "method " + this + " is " + (method.isStatic() ? "" : "not ") + "static" + by();
            }
            return null;
        }

        private MethodDescription declared(TypeDefinition type) {
            for (MethodDescription.InDefinedShape method : type.asErasure().getDeclaredMethods()) {
                if (method.getInternalName().equals(name) && method.getDescriptor().equals(descriptor)) {
                    return method;
                }
            }
            return null;
        }

        private MethodDescription inHierarchy(TypeDescription type) {
            Deque<TypeDefinition> pending = new ArrayDeque<>();
            Set<String> seen = new HashSet<>();
            pending.add(type);
            while (!pending.isEmpty()) {
                TypeDefinition next = pending.poll();
                if (!seen.add(next.getTypeName())) {
                    continue;
                }
                MethodDescription method = declared(next);
                if (method != null) {
                    return method;
                }
                if (next.getSuperClass() != null) {
                    pending.add(next.getSuperClass());
                }
                pending.addAll(next.getInterfaces());
            }
            return null;
        }

        @Override
        public String toString() {
            return ownerName() + "." + name + descriptor;
        }
    }

    /** A field read or written. */
    static final class FieldReference extends Reference {
        private final String name;
        private final String descriptor;
        private final boolean isStatic;

        FieldReference(String owner, String name, String descriptor, boolean isStatic, String from) {
            super(owner, from);
            this.name = name;
            this.descriptor = descriptor;
            this.isStatic = isStatic;
        }

        @Override
        String missingIn(TypePool pool) {
            String typeMissing = new TypeReference(owner, null, from).missingIn(pool);
            if (typeMissing != null) {
                return typeMissing;
            }
            Deque<TypeDefinition> pending = new ArrayDeque<>();
            pending.add(type(pool));
            while (!pending.isEmpty()) {
                TypeDefinition next = pending.poll();
                for (FieldDescription.InDefinedShape field : next.asErasure().getDeclaredFields()) {
                    if (field.getInternalName().equals(name) && field.getDescriptor().equals(descriptor)) {
                        return field.isStatic() == isStatic ? null
                                : "field " + this + " is " + (field.isStatic() ? "" : "not ") + "static" + by();
                    }
                }
                if (next.getSuperClass() != null) {
                    pending.add(next.getSuperClass());
                }
                pending.addAll(next.getInterfaces());
            }
            return "field " + this + " is missing" + by();
        }

        @Override
        public String toString() {
            return ownerName() + "." + name + ":" + descriptor;
        }
    }

    /**
     * A helper that implements a server interface (or extends a server class) must implement each
     * of its abstract methods: one added in another version would fail with
     * {@link AbstractMethodError} when the server calls it.
     */
    static final class ImplementsReference extends Reference {
        private final Set<String> implemented;

        ImplementsReference(String superType, Set<String> implemented, String from) {
            super(superType, from);
            this.implemented = implemented;
        }

        @Override
        String missingIn(TypePool pool) {
            List<TypeDefinition> hierarchy = new ArrayList<>();
            Deque<TypeDefinition> pending = new ArrayDeque<>();
            Set<String> seen = new HashSet<>();
            pending.add(type(pool));
            while (!pending.isEmpty()) {
                TypeDefinition next = pending.poll();
                if (seen.add(next.getTypeName())) {
                    hierarchy.add(next);
                    if (next.getSuperClass() != null) {
                        pending.add(next.getSuperClass());
                    }
                    pending.addAll(next.getInterfaces());
                }
            }
            // A server super class or a default method may implement what an interface declares.
            Set<String> concrete = new HashSet<>(implemented);
            for (TypeDefinition type : hierarchy) {
                for (MethodDescription.InDefinedShape method : type.asErasure().getDeclaredMethods()) {
                    if (!method.isAbstract()) {
                        concrete.add(method.getInternalName() + method.getDescriptor());
                    }
                }
            }
            for (TypeDefinition type : hierarchy) {
                for (MethodDescription.InDefinedShape method : type.asErasure().getDeclaredMethods()) {
                    if (method.isAbstract() && !concrete.contains(method.getInternalName() + method.getDescriptor())) {
                        return "abstract method " + type.getTypeName() + "." + method.getInternalName()
                                + method.getDescriptor() + " is not implemented" + by();
                    }
                }
            }
            return null;
        }
    }

    /** Collects the references of each visited class, in the order they occur. */
    private static final class Collector extends ClassVisitor {
        private final Set<String> own;
        private final Set<Reference> references = new LinkedHashSet<>();
        private final Set<String> seen = new HashSet<>();
        private String current;
        private final List<String> serverSuperTypes = new ArrayList<>();
        private final Set<String> declared = new HashSet<>();

        Collector(Set<String> own) {
            super(Opcodes.ASM9);
            this.own = own;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            current = name;
            serverSuperTypes.clear();
            declared.clear();
            if (superName != null && checked(superName)) {
                add(new TypeReference(superName, false, name), "super " + superName);
                serverSuperTypes.add(superName);
            }
            for (String type : interfaces == null ? new String[0] : interfaces) {
                if (checked(type)) {
                    add(new TypeReference(type, true, name), "super " + type);
                    serverSuperTypes.add(type);
                }
            }
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            declared.add(name + descriptor);
            return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String methodName, String methodDescriptor, boolean isInterface) {
                    method(owner, isInterface, methodName, methodDescriptor, opcode == Opcodes.INVOKESTATIC);
                }

                @Override
                public void visitFieldInsn(int opcode, String owner, String fieldName, String fieldDescriptor) {
                    String type = elementType(owner);
                    if (type != null) {
                        boolean isStatic = opcode == Opcodes.GETSTATIC || opcode == Opcodes.PUTSTATIC;
                        add(new FieldReference(type, fieldName, fieldDescriptor, isStatic, current),
                                "field " + type + "." + fieldName + fieldDescriptor + isStatic);
                    }
                }

                @Override
                public void visitTypeInsn(int opcode, String type) {
                    type(type);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof Type && ((Type) value).getSort() == Type.OBJECT) {
                        type(((Type) value).getInternalName());
                    } else if (value instanceof Handle) {
                        handle((Handle) value);
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String indyName, String indyDescriptor, Handle bootstrap, Object... arguments) {
                    handle(bootstrap);
                    for (Object argument : arguments) {
                        if (argument instanceof Handle) {
                            handle((Handle) argument);
                        }
                    }
                }

                @Override
                public void visitMultiANewArrayInsn(String arrayDescriptor, int dimensions) {
                    type(arrayDescriptor);
                }
            };
        }

        @Override
        public void visitEnd() {
            for (String superType : serverSuperTypes) {
                add(new ImplementsReference(superType, Set.copyOf(declared), current), "implements " + superType + current);
            }
        }

        private void handle(Handle handle) {
            int tag = handle.getTag();
            if (tag >= Opcodes.H_GETFIELD && tag <= Opcodes.H_PUTSTATIC) {
                return; // no helper uses field handles; a method reference is what lambdas bring
            }
            method(handle.getOwner(), handle.isInterface(), handle.getName(), handle.getDesc(), tag == Opcodes.H_INVOKESTATIC);
        }

        private void method(String owner, boolean isInterface, String name, String descriptor, boolean isStatic) {
            String type = elementType(owner);
            if (type == null) {
                return;
            }
            if (owner.startsWith("[")) {
                add(new TypeReference(type, null, current), "type " + type); // clone() of a server type's array
                return;
            }
            add(new MethodReference(type, isInterface, name, descriptor, isStatic, "<init>".equals(name), current),
                    "method " + type + "." + name + descriptor + isStatic + isInterface);
        }

        private void type(String internalNameOrDescriptor) {
            String type = elementType(internalNameOrDescriptor);
            if (type != null) {
                add(new TypeReference(type, null, current), "type " + type);
            }
        }

        /** The class an internal name or array descriptor names, when it is the server's; else {@code null}. */
        private String elementType(String internalNameOrDescriptor) {
            String type = internalNameOrDescriptor;
            if (type.startsWith("[")) {
                Type element = Type.getType(type).getElementType();
                if (element.getSort() != Type.OBJECT) {
                    return null;
                }
                type = element.getInternalName();
            }
            return checked(type) && !own.contains(type) ? type : null;
        }

        private void add(Reference reference, String key) {
            if (seen.add(key)) {
                references.add(reference);
            }
        }
    }
}
