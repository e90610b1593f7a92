package io.h5image.it;

import io.h5image.H5Exception;
import io.h5image.H5Image;
import io.h5image.NdArray;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * HDF5 lets a dataset keep its data outside the file: an external file list (EFL) names raw
 * files, a virtual dataset (VDS) maps datasets of other HDF5 files, by any path. An image is
 * bytes, often from elsewhere, so deserializing one must never read the local file system:
 * otherwise whoever made the image chooses a file on the reader's disk (say /etc/passwd) and
 * gets it back as the array.
 */
class LinkedStorageTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"external.h5", "virtual.h5"})
    void dataStoredOutsideTheImageIsNeverRead(String name) throws IOException {
        Tools.requirePython();
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "not for whoever wrote the image\n", StandardCharsets.UTF_8);
        Tools.runPython("write_linked_images.py", dir, secret.toString(), dir.toString()).requireSuccess();
        byte[] image = Files.readAllBytes(dir.resolve(name));
        assertThrows(H5Exception.class, () -> {
            NdArray leaked = H5Image.deserialize(image);
            fail(name + ": deserialize read " + leaked + " from the local disk: "
                    + new String(leaked.segment().toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8));
        }, () -> name + ": an image whose data lives in a local file must be refused with an H5Exception");
    }
}
