package io.h5image.internal;

import io.h5image.NativeLibraryException;
import io.h5image.bindings.hdf5_h;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Native access is the JDK's to grant: Panama downcalls, upcalls and {@code System.load} are
 * restricted methods. When it is denied ({@code --illegal-native-access=deny}, announced as the
 * future default), the JDK throws {@link IllegalCallerException}, from a static initializer if the
 * generated bindings hit it first. This turns that into the one exception h5image promises for a
 * library it cannot use, naming the exact flag for how the modules were actually loaded.
 */
final class NativeAccess {

    private NativeAccess() {}

    /** {@code --enable-native-access=...} for this library's two code modules, as they run now. */
    static String flag() {
        Set<String> names = new LinkedHashSet<>();
        // A class literal loads nothing native: hdf5_h's initializer (the downcalls) does not run here.
        for (Module module : List.of(NativeAccess.class.getModule(), hdf5_h.class.getModule())) {
            names.add(module.isNamed() ? module.getName() : "ALL-UNNAMED");
        }
        return "--enable-native-access=" + String.join(",", names);
    }

    /** The refusal behind {@code failure}, if a refusal of native access is what it is. */
    static IllegalCallerException refusal(Throwable failure) {
        for (Throwable at = failure; at != null; at = at.getCause()) {
            if (at instanceof IllegalCallerException refused) return refused;
            if (at.getCause() == at) break;
        }
        return null;
    }

    static NativeLibraryException denied(IllegalCallerException refusal) {
        boolean named = NativeAccess.class.getModule().isNamed();
        return new NativeLibraryException("cannot use libhdf5: this JVM denies native access to h5image ("
                + refusal.getMessage() + "). Fix: run java with " + flag()
                + (named ? "" : ", or give an executable jar the manifest entry 'Enable-Native-Access: ALL-UNNAMED'")
                + ".", refusal);
    }
}
