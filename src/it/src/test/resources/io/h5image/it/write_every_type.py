"""Writes one h5py file per library format ('earliest' and 'latest') holding a dataset and an
attribute of every HDF5 type class and variant h5py reads, then reads each back with h5py and
writes what h5py read, in a canonical JSON form, beside the files.

usage: write_every_type.py OUT_DIR
       write_every_type.py --record FILE.h5 OUT.tsv   (what h5py reads of FILE, in the same form)

For each libver L: OUT_DIR/every-type-L.h5 and OUT_DIR/every-type-L.tsv, one line per dataset or
attribute: "value", an id, the object's path, the attribute's name (empty for a dataset), and the
value h5py read as compact JSON with sorted keys. Canonical values (EveryTypeTest builds the same
JSON from what h5image reads):
  integers: JSON integers (uint64 beyond int64 as the int64 of the same bits, as Java holds them);
  floats: "f:" + the 16 hex digits of the IEEE double they widen to;
  bools: JSON booleans; strings: JSON strings (fixed-length ones without their padding);
  compounds: objects; arrays and sequences: lists; opaque: a list of its bytes as signed ints;
  object references: {"ref": path}; region references: {"region": path, "selection": ...} where
  the selection is "all", "none", {"points": [[...], ...]} or {"blocks": [[[start], [end]], ...]};
  a null reference: null; a null dataspace (h5py.Empty): {"empty": true}.
Datasets h5image must refuse are lines "refused", id, path, "", and numpy's name of the type.
"""
import json
import struct
import sys

import h5py
import numpy as np


def canon(x):
    if isinstance(x, h5py.Empty):
        return {"empty": True}
    if isinstance(x, h5py.RegionReference):
        return None if not x else {"region": REFS_FILE[x].name, "selection": selection(x)}
    if isinstance(x, h5py.Reference):
        return None if not x else {"ref": REFS_FILE[x].name}
    if isinstance(x, np.ndarray):
        if x.dtype.kind == 'V' and x.dtype.names is None:
            return [canon(e) for e in x]
        return [canon(e) for e in x]
    if isinstance(x, np.void):
        if x.dtype.names is None:  # opaque
            return [b - 256 if b > 127 else b for b in x.tobytes()]
        return {name: canon(x[name]) for name in x.dtype.names}
    if isinstance(x, (bytes, np.bytes_)):
        return bytes(x).decode('utf-8')
    if isinstance(x, str):
        return x
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (np.unsignedinteger,)):
        v = int(x)
        return v - 2 ** 64 if v >= 2 ** 63 else v
    if isinstance(x, (int, np.integer)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        return "f:" + struct.pack('>d', float(x)).hex()
    raise TypeError("no canonical form for %r (%s)" % (x, type(x)))


def selection(ref):
    space = h5py.h5r.get_region(ref, REFS_FILE.id)
    kind = space.get_select_type()
    if kind == h5py.h5s.SEL_ALL:
        return "all"
    if kind == h5py.h5s.SEL_NONE:
        return "none"
    if kind == h5py.h5s.SEL_POINTS:
        return {"points": [[int(c) for c in p] for p in space.get_select_elem_pointlist()]}
    blocks = space.get_select_hyper_blocklist()
    return {"blocks": [[[int(c) for c in b[0]], [int(c) for c in b[1]]] for b in blocks]}


def fixed_string(size, pad, cset=h5py.h5t.CSET_ASCII):
    tid = h5py.h5t.C_S1.copy()
    tid.set_size(size)
    tid.set_strpad(pad)
    tid.set_cset(cset)
    return tid


def raw_dataset(group, name, tid, shape, data, mtype=None, chunks=None):
    """A dataset of a type numpy cannot name (array types, bit fields, string paddings)."""
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    if chunks:
        dcpl.set_chunk(chunks)
    space = h5py.h5s.create_simple(shape) if shape != () else h5py.h5s.create(h5py.h5s.SCALAR)
    d = h5py.h5d.create(group.id, name.encode(), tid, space, dcpl=dcpl)
    d.write(h5py.h5s.ALL, h5py.h5s.ALL, data, mtype=mtype or tid)
    return group[name]


def raw_attribute(obj, name, tid, shape, data):
    space = h5py.h5s.create_simple(shape) if shape != () else h5py.h5s.create(h5py.h5s.SCALAR)
    a = h5py.h5a.create(obj.id, name.encode(), tid, space)
    a.write(data, mtype=tid)


def build(f):
    g = f.create_group('numbers')
    for code in ('i1', 'i2', 'i4', 'i8', 'u1', 'u2', 'u4', 'u8', 'f2', 'f4', 'f8'):
        for order in ('<', '>'):
            dt = np.dtype(order + code)
            if dt.kind == 'f':
                values = np.array([0.5, -1.25, 65504.0 if code == 'f2' else 1e300 if code == 'f8' else 3.0e38, 1.0 / 3], dtype=dt)
            else:
                info = np.iinfo(dt)
                values = np.array([info.min, info.max, 0, 7], dtype=dt)
            name = ('le_' if order == '<' else 'be_') + code
            g.create_dataset(name, data=values)
            g.create_dataset(name + '_chunked', data=values, chunks=(2,), compression='gzip')
            g.attrs[name] = values
            g.attrs[name + '_scalar'] = values[1]
    g.create_dataset('bool', data=np.array([True, False, True]))
    g.attrs['bool'] = np.bool_(True)
    g.create_dataset('matrix', data=np.arange(12, dtype='<i2').reshape(3, 4))
    g.create_dataset('scalar', data=np.float64(2.5))

    e = f.create_group('enums')
    colors = h5py.enum_dtype({'RED': 0, 'GREEN': 1, 'BLUE': 42}, basetype='i1')
    e.create_dataset('i1', data=np.array([0, 42, 1], dtype='i1'), dtype=colors)
    big = h5py.enum_dtype({'LOW': 1, 'HIGH': 300}, basetype='>u2')
    e.create_dataset('be_u2', data=np.array([300, 1], dtype='>u2'), dtype=big)
    e.attrs['color'] = np.array(42, dtype=colors)

    b = f.create_group('bitfields')
    for size, (le, be, native) in {1: (h5py.h5t.STD_B8LE, h5py.h5t.STD_B8BE, h5py.h5t.NATIVE_B8),
                                   2: (h5py.h5t.STD_B16LE, h5py.h5t.STD_B16BE, h5py.h5t.NATIVE_B16),
                                   4: (h5py.h5t.STD_B32LE, h5py.h5t.STD_B32BE, h5py.h5t.NATIVE_B32),
                                   8: (h5py.h5t.STD_B64LE, h5py.h5t.STD_B64BE, h5py.h5t.NATIVE_B64)}.items():
        values = np.array([1, 2, 2 ** (8 * size) - 1], dtype='u%d' % size)
        raw_dataset(b, 'b%d_le' % size, le, (3,), values, mtype=native)
        # A big-endian bit field too, though h5py 3.7 cannot read one ("no appropriate function for conversion path").
        raw_dataset(b, 'b%d_be' % size, be, (3,), values, mtype=native)
        raw_attribute(b, 'b%d' % size, le, (3,), values)

    s = f.create_group('strings')
    s.create_dataset('fixed_nullpad', data=np.array([b'a', b'bcdef', b''], dtype='S5'))
    s.create_dataset('fixed_nullterm', (3,), dtype=h5py.Datatype(fixed_string(6, h5py.h5t.STR_NULLTERM)))
    s['fixed_nullterm'][...] = np.array([b'a', b'bcdef', b''], dtype='S6')
    raw_dataset(s, 'fixed_spacepad', fixed_string(5, h5py.h5t.STR_SPACEPAD), (3,), np.array([b'a    ', b'bcdef', b'     '], dtype='S5'))
    raw_dataset(s, 'fixed_utf8', fixed_string(4, h5py.h5t.STR_NULLPAD, h5py.h5t.CSET_UTF8), (2,),
                np.array(['é'.encode(), 'ab'.encode()], dtype='S4'))
    s.create_dataset('vlen_ascii', data=np.array([b'x', b'', b'long' * 20], dtype=object), dtype=h5py.string_dtype('ascii'))
    s.create_dataset('vlen_utf8', data=np.array(['π', '', 'naïve'], dtype=object), dtype=h5py.string_dtype())
    s.create_dataset('vlen_utf8_chunked', data=np.array(['π', '', 'naïve'], dtype=object), dtype=h5py.string_dtype(),
                     chunks=(2,), compression='gzip')
    s.create_dataset('vlen_2d', data=np.array([['a', 'b'], ['c', 'd']], dtype=object), dtype=h5py.string_dtype())
    s.create_dataset('scalar', data='one', dtype=h5py.string_dtype())
    s.attrs['vlen'] = 'attribute text'
    s.attrs['vlen_list'] = np.array(['p', 'q'], dtype=h5py.string_dtype())
    s.attrs['fixed'] = np.bytes_(b'fixed')
    raw_attribute(s, 'fixed_spacepad', fixed_string(4, h5py.h5t.STR_SPACEPAD), (), np.array(b'ab  ', dtype='S4'))

    c = f.create_group('compounds')
    point = np.dtype([('x', '<f8'), ('y', '>i4'), ('tag', 'S3')])
    nested = np.dtype([('id', '<u2'), ('where', point), ('grid', '<i2', (2, 3)), ('flags', '?', (2,))])
    data = np.zeros(2, dtype=nested)
    data['id'] = [1, 65535]
    data['where'] = [(1.5, -2, b'ab'), (-0.25, 7, b'xyz')]
    data['grid'] = np.arange(12, dtype='<i2').reshape(2, 2, 3)
    data['flags'] = [[True, False], [False, True]]
    c.create_dataset('nested', data=data)
    c.create_dataset('nested_chunked', data=data, chunks=(1,), compression='gzip')
    c.attrs['nested'] = data
    c.attrs['scalar'] = data[1]
    with_strings = np.dtype([('name', h5py.string_dtype()), ('n', '<i4')])
    c.create_dataset('with_vlen_string', data=np.array([('alpha', 1), ('β', 2)], dtype=with_strings))
    c.attrs['with_vlen_string'] = np.array([('gamma', 3)], dtype=with_strings)
    with_seq = np.dtype([('seq', h5py.vlen_dtype('<i4')), ('w', '<f4')])
    seqs = np.empty(2, dtype=with_seq)
    seqs[0] = (np.array([1, 2, 3], dtype='<i4'), 0.5)
    seqs[1] = (np.array([], dtype='<i4'), -1.0)
    c.create_dataset('with_sequence', data=seqs)

    a = f.create_group('arrays')
    raw_dataset(a, 'i4_2x3', h5py.h5t.array_create(h5py.h5t.STD_I32LE, (2, 3)), (4,), np.arange(24, dtype='<i4').reshape(4, 2, 3))
    raw_dataset(a, 'f8_be_3', h5py.h5t.array_create(h5py.h5t.IEEE_F64BE, (3,)), (2,), np.arange(6, dtype='>f8').reshape(2, 3))
    raw_dataset(a, 'i4_2x3_chunked', h5py.h5t.array_create(h5py.h5t.STD_I32LE, (2, 3)), (4,),
                np.arange(24, dtype='<i4').reshape(4, 2, 3), chunks=(2,))
    strings = h5py.h5t.array_create(fixed_string(3, h5py.h5t.STR_NULLPAD), (2,))
    raw_dataset(a, 'fixed_strings_2', strings, (2,), np.array([[b'ab', b'c'], [b'def', b'']], dtype='S3'))
    raw_attribute(a, 'i4_2', h5py.h5t.array_create(h5py.h5t.STD_I32LE, (2,)), (), np.array([5, -6], dtype='<i4'))

    v = f.create_group('vlens')
    ints = np.empty(3, dtype=object)
    ints[0] = np.array([1, 2, 3], dtype='<i4')
    ints[1] = np.array([], dtype='<i4')
    ints[2] = np.array([-7], dtype='<i4')
    v.create_dataset('i4', data=ints, dtype=h5py.vlen_dtype('<i4'))
    v.create_dataset('i4_chunked', data=ints, dtype=h5py.vlen_dtype('<i4'), chunks=(2,), compression='gzip')
    # Deflated chunks of variable-length data (decoded in Java; libhdf5 refuses shuffle and fletcher32
    # on such data), with edge chunks in 2-D; and compact storage (data in the layout message).
    grid = np.empty((3, 5), dtype=object)
    for i in range(3):
        for j in range(5):
            grid[i, j] = np.arange(i + j, dtype='<i2')
    v.create_dataset('i2_grid_filtered', data=grid, dtype=h5py.vlen_dtype('<i2'), chunks=(2, 2),
                     compression='gzip')
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    compact = h5py.h5d.create(v.id, b'i4_compact', h5py.h5t.vlen_create(h5py.h5t.STD_I32LE), h5py.h5s.create_simple((3,)), dcpl=dcpl)
    compact.write(h5py.h5s.ALL, h5py.h5s.ALL, ints)
    floats = np.empty(2, dtype=object)
    floats[0] = np.array([0.5, 1e-300], dtype='>f8')
    floats[1] = np.array([2.0], dtype='>f8')
    v.create_dataset('be_f8', data=floats, dtype=h5py.vlen_dtype('>f8'))
    pairs = np.dtype([('a', '<i4'), ('b', '<f8')])
    records = np.empty(2, dtype=object)
    records[0] = np.array([(1, 0.5), (2, 1.5)], dtype=pairs)
    records[1] = np.array([(3, -2.0)], dtype=pairs)
    v.create_dataset('compound', data=records, dtype=h5py.vlen_dtype(pairs))
    named = np.dtype([('n', '<i2'), ('name', h5py.string_dtype('utf-8')), ('seq', h5py.vlen_dtype('<i4')), ('x', '<f8')])
    rows = np.array([(1, 'α', np.array([1, 2], dtype='<i4'), 0.5), (-2, '', np.array([], dtype='<i4'), -1.0),
                     (3, 'three', np.array([7], dtype='<i4'), 2.5)], dtype=named)
    v.create_dataset('in_compound', data=rows)
    v.create_dataset('in_compound_chunked', data=rows, chunks=(2,), compression='gzip')
    v.attrs.create('i4', ints, dtype=h5py.vlen_dtype('<i4'))
    one = np.empty((), dtype=object)
    one[()] = np.array([9, 8], dtype='<i2')
    v.attrs.create('scalar_i2', one, dtype=h5py.vlen_dtype('<i2'))

    o = f.create_group('opaque')
    o.create_dataset('v7', data=np.array([b'abcdefg', b'\x00\xff\x80\x01234'], dtype='V7'))
    o.create_dataset('v7_chunked', data=np.array([b'abcdefg', b'\x00\xff\x80\x01234'], dtype='V7'), chunks=(1,))
    o.attrs['v3'] = np.void(b'\x01\x02\x03')

    r = f.create_group('references')
    target = f.create_dataset('references/target', data=np.arange(20, dtype='<i4'))
    grid = f.create_dataset('references/grid', data=np.arange(30, dtype='<i4').reshape(5, 6))
    refs = np.array([f['numbers'].ref, target.ref, h5py.Reference(), f.ref], dtype=h5py.ref_dtype)
    r.create_dataset('objects', data=refs)
    r.create_dataset('objects_chunked', data=refs, chunks=(2,))
    r.attrs['object'] = target.ref
    r.attrs['objects'] = refs
    points = target.id.get_space()
    points.select_elements([(4,), (1,), (9,)])
    regions = np.empty(7, dtype=h5py.regionref_dtype)
    for i, ref in enumerate([target.regionref[2:8], target.regionref[0:10:2], grid.regionref[1:3, 2:5], grid.regionref[...],
                             target.regionref[[1, 3, 5]], h5py.RegionReference(),
                             h5py.h5r.create(f.id, b'references/target', h5py.h5r.DATASET_REGION, points)]):
        regions[i] = ref
    r.create_dataset('regions', data=regions)
    r.create_dataset('regions_chunked', data=regions, chunks=(3,))
    r.attrs['region'] = grid.regionref[0:2, 0:1]
    f['references/alias'] = target  # a second hard link: references name the first path in name order

    n = f.create_group('empty')
    n.create_dataset('f8', data=h5py.Empty('<f8'))
    n.create_dataset('string', data=h5py.Empty(h5py.string_dtype()))
    n.attrs['i4'] = h5py.Empty('<i4')

    refused = f.create_group('refused')
    refused.create_dataset('longdouble', data=np.array([1.5, 2.5], dtype=np.longdouble))

    # Links of every kind, and a committed datatype (h5py's visititems passes over soft and
    # external links, so they add no values; h5image's links() and inspect show them).
    links = f.create_group('links')
    links['soft'] = h5py.SoftLink('/numbers/le_i4')
    links['dangling'] = h5py.SoftLink('/nowhere')
    links['external'] = h5py.ExternalLink('other.h5', '/data')
    links['second_name'] = f['strings/scalar']
    links['named_type'] = np.dtype('<i4')


def record(f, out):
    """What h5py reads, for every dataset and attribute of the file."""
    entries = {}
    refused = {}

    def visit(name, obj):
        targets = [(obj, None)] + [(obj, a) for a in obj.attrs]
        for owner, attribute in targets:
            if attribute is None and not isinstance(owner, h5py.Dataset):
                continue
            key = '/' + name + ('' if attribute is None else '@' + attribute)
            if name.startswith('refused'):
                refused[key] = str(owner.dtype)
                continue
            if name.startswith('bitfields/b') and name.endswith('_be') and attribute is None:
                # h5py cannot read these; the values are the little-endian ones'.
                entries[key] = {"path": '/' + name, "attribute": None, "value": canon(f[name[:-3] + '_le'][()])}
                continue
            try:
                value = owner[()] if attribute is None else owner.attrs[attribute]
            except Exception as e:
                raise RuntimeError('h5py cannot read ' + key) from e
            if key == '/vlens/be_f8':
                # h5py 3.7 reads sequences of big-endian floats with their bytes unswapped (0.5 comes
                # back as 2.8e-319; h5dump shows 0.5): the values are h5py's, swapped back.
                value = np.array([a.byteswap() for a in value] + [None], dtype=object)[:-1]
            entries[key] = {"path": '/' + name, "attribute": attribute, "value": canon(value)}

    for a in f.attrs:
        entries['/@' + a] = {"path": '/', "attribute": a, "value": canon(f.attrs[a])}
    f.visititems(visit)
    with open(out, 'w', encoding='utf-8') as stream:
        for key in sorted(entries):
            e = entries[key]
            stream.write('\t'.join(['value', key, e['path'], e['attribute'] or '',
                                     json.dumps(e['value'], ensure_ascii=False, sort_keys=True, separators=(',', ':'))]) + '\n')
        for key in sorted(refused):
            stream.write('\t'.join(['refused', key, key.split('@')[0], '', refused[key]]) + '\n')


def main():
    global REFS_FILE
    if sys.argv[1] == '--record':
        # Records what h5py reads of another file (an edited copy), in the same form.
        with h5py.File(sys.argv[2], 'r') as f:
            REFS_FILE = f
            record(f, sys.argv[3])
        return
    out = sys.argv[1]
    for libver in ('earliest', 'latest'):
        path = '%s/every-type-%s.h5' % (out, libver)
        with h5py.File(path, 'w', libver=libver) as f:
            f.attrs['root_note'] = 'every type'
            build(f)
        with h5py.File(path, 'r') as f:
            REFS_FILE = f
            record(f, '%s/every-type-%s.tsv' % (out, libver))


REFS_FILE = None

if __name__ == '__main__':
    main()
