package io.h5image.internal;

import io.h5image.Attributes;
import io.h5image.Dataset;
import io.h5image.NdArray;
import io.h5image.UnsupportedTypeException;

import java.lang.foreign.Arena;

import static io.h5image.bindings.hdf5_h.*;

/** A dataset: its file and its absolute path. Every method is one {@link NativeFile#call}. */
public final class DatasetNode implements Dataset {

    private final NativeFile file;
    private final String path;

    DatasetNode(NativeFile file, String path) {
        this.file = file;
        this.path = path;
    }

    /** Creates the dataset at {@code target} (parents exist) and writes {@code encoded} into it. */
    static void create(NativeFile f, String target, Values.Encoded encoded, Arena arena) {
        try (Handle dcpl = Handle.of(H5Pcreate(H5P_CLS_DATASET_CREATE_ID_g()), Handle.Kind.PROPERTY_LIST, "H5Pcreate(dataset create)")) {
            Formats.objectCreate(dcpl.id());
            // Every element is written right away: a fill value would only be written over. (libhdf5
            // insists on one for variable-length types.)
            if (Hdf5.check(H5Tis_variable_str(encoded.fileType().id()), "H5Tis_variable_str") == 0) {
                Hdf5.check(H5Pset_fill_time(dcpl.id(), H5D_FILL_TIME_NEVER()), "H5Pset_fill_time");
            }
            try (Handle dataset = Handle.of(H5Dcreate2(f.id(), arena.allocateFrom(target), encoded.fileType().id(),
                    encoded.space().id(), H5P_DEFAULT(), dcpl.id(), H5P_DEFAULT()), Handle.Kind.DATASET, "H5Dcreate2('" + target + "')")) {
                if (encoded.buffer().byteSize() > 0) {
                    Hdf5.check(H5Dwrite(dataset.id(), encoded.memoryType().id(), H5S_ALL(), H5S_ALL(), H5P_DEFAULT(),
                            encoded.buffer()), "H5Dwrite('" + target + "')");
                }
            }
        }
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public long[] shape() {
        return file.call(f -> {
            try (Arena arena = Arena.ofConfined();
                 Handle dataset = H5Objects.open(f, path, H5Objects.Kind.DATASET);
                 Handle space = Handle.of(H5Dget_space(dataset.id()), Handle.Kind.DATASPACE, "H5Dget_space('" + path + "')")) {
                return ImageReader.shape(space.id(), path, arena);
            }
        });
    }

    @Override
    public NdArray read() {
        return file.call(f -> {
            ImageReader.Result read = ImageReader.read(f, path);
            return NdArrays.of(read);
        });
    }

    @Override
    public String[] readStrings() {
        return file.call(f -> {
            try (Handle dataset = H5Objects.open(f, path, H5Objects.Kind.DATASET);
                 Handle type = Handle.of(H5Dget_type(dataset.id()), Handle.Kind.DATATYPE, "H5Dget_type('" + path + "')");
                 Handle space = Handle.of(H5Dget_space(dataset.id()), Handle.Kind.DATASPACE, "H5Dget_space('" + path + "')")) {
                if (!Strings.isString(type.id())) {
                    throw new UnsupportedTypeException("dataset '" + path + "' holds " + TypeMap.className(H5Tget_class(type.id()))
                            + ", not strings: use read()");
                }
                long limit = ImageReader.decodeLimit(f.imageSize() < 0 ? Long.MAX_VALUE / 2048 : f.imageSize());
                return Strings.read(type.id(), Values.count(space.id(), path), limit, "dataset '" + path + "'",
                        (memoryType, buffer) -> Hdf5.check(H5Dread(dataset.id(), memoryType, H5S_ALL(), H5S_ALL(), H5P_DEFAULT(), buffer),
                                "H5Dread('" + path + "')"));
            }
        });
    }

    @Override
    public Attributes attributes() {
        return new AttributeSet(file, path);
    }

    @Override
    public String toString() {
        return "Dataset[" + path + " in " + file.description() + "]";
    }
}
