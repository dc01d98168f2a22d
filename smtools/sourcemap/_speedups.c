/*
 * Optional C extension of smtools.sourcemap.
 *
 * decode_mappings mirrors smtools.sourcemap.fastdecode exactly: it decodes a
 * plainly valid ECMA-426 `mappings` string into flat native arrays and
 * returns None for anything the exact Python decoder must judge (grammar
 * errors, values beyond 32 bits, unsorted lines, negative or out-of-range
 * indexes). The results are bytearrays in the layout of array('q') (line
 * offsets), array('i') (columns, sources, original lines and columns, names)
 * and array('b') (flags). lookup_once answers one lookup while decoding,
 * storing nothing, and accepts exactly what decode_mappings accepts.
 * has_long_vlq finds the one hard error of
 * `mappings` cheaply; skim_object/skim_array are in _jsonskim.c.
 * Without a compiler the package works the same in pure Python.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_jsonskim.h"

#define HAS_ORIGINAL 1
#define HAS_NAME 2
#define FITS32(v) ((v) >= INT32_MIN && (v) <= INT32_MAX)

static signed char B64[256];

static void init_table(void)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    memset(B64, -1, sizeof(B64));
    for (int i = 0; i < 64; i++) {
        B64[(unsigned char)alphabet[i]] = (signed char)i;
    }
}

/* The ASCII bytes of a str, or the bytes of a bytes object, within [start, end).
   Returns 1 ok, 0 for a non-ASCII str (the caller refuses), -1 with an exception. */
static int view_text(PyObject *text, Py_ssize_t start, Py_ssize_t end,
                     const unsigned char **s, Py_ssize_t *n)
{
    Py_ssize_t length;
    if (PyUnicode_Check(text)) {
        if (!PyUnicode_IS_ASCII(text)) {
            return 0;
        }
        *s = PyUnicode_1BYTE_DATA(text);
        length = PyUnicode_GET_LENGTH(text);
    } else if (PyBytes_Check(text)) {
        *s = (const unsigned char *)PyBytes_AS_STRING(text);
        length = PyBytes_GET_SIZE(text);
    } else {
        PyErr_SetString(PyExc_TypeError, "expected str or bytes");
        return -1;
    }
    if (end < 0 || end > length) {
        end = length;
    }
    if (start < 0 || start > end) {
        PyErr_SetString(PyExc_ValueError, "bad start/end");
        return -1;
    }
    *s += start;
    *n = end - start;
    return 1;
}

/* The seven result buffers are bytearrays allocated at their largest possible
   size, filled in place and shrunk at the end: no second copy of tens of
   megabytes is ever made. */
typedef struct {
    PyObject *objects[7];
    int64_t *offsets;
    int32_t *columns, *sources, *lines, *original_columns, *names;
    int8_t *flags;
} Output;

static void free_output(Output *out)
{
    for (int k = 0; k < 7; k++) {
        Py_CLEAR(out->objects[k]);
    }
}

static int alloc_output(Output *out, Py_ssize_t line_count, Py_ssize_t max_segments)
{
    Py_ssize_t sizes[7] = {(line_count + 1) * (Py_ssize_t)sizeof(int64_t), max_segments * 4,
                           max_segments * 4, max_segments * 4, max_segments * 4,
                           max_segments * 4, max_segments};
    for (int k = 0; k < 7; k++) {
        out->objects[k] = PyByteArray_FromStringAndSize(NULL, sizes[k]);
        if (out->objects[k] == NULL) {
            return -1;
        }
    }
    out->offsets = (int64_t *)PyByteArray_AS_STRING(out->objects[0]);
    out->columns = (int32_t *)PyByteArray_AS_STRING(out->objects[1]);
    out->sources = (int32_t *)PyByteArray_AS_STRING(out->objects[2]);
    out->lines = (int32_t *)PyByteArray_AS_STRING(out->objects[3]);
    out->original_columns = (int32_t *)PyByteArray_AS_STRING(out->objects[4]);
    out->names = (int32_t *)PyByteArray_AS_STRING(out->objects[5]);
    out->flags = (int8_t *)PyByteArray_AS_STRING(out->objects[6]);
    return 0;
}

static PyObject *finish_output(Output *out, Py_ssize_t line_count, Py_ssize_t segments)
{
    Py_ssize_t sizes[7] = {(line_count + 1) * (Py_ssize_t)sizeof(int64_t), segments * 4,
                           segments * 4, segments * 4, segments * 4, segments * 4, segments};
    PyObject *result = PyTuple_New(7);
    if (result == NULL) {
        free_output(out);
        return NULL;
    }
    for (int k = 0; k < 7; k++) {
        if (PyByteArray_Resize(out->objects[k], sizes[k]) < 0) {
            Py_DECREF(result);
            free_output(out);
            return NULL;
        }
        PyTuple_SET_ITEM(result, k, out->objects[k]);
        out->objects[k] = NULL;
    }
    return result;
}

/* Read one VLQ at s[*i]. Returns 0 on success, -1 when the fast path must refuse. */
static inline int read_vlq(const unsigned char *s, Py_ssize_t n, Py_ssize_t *i, int64_t *value)
{
    /* Most VLQs of minified maps are one digit: no loop for them. */
    if (*i < n && (unsigned)B64[s[*i]] < 32) {
        int digit = B64[s[(*i)++]];
        int magnitude = digit >> 1;
        *value = !(digit & 1) ? magnitude : magnitude ? -magnitude : -(int64_t)2147483648LL;
        return 0;
    }
    uint64_t unsigned_value = 0;
    int shift = 0;
    for (;;) {
        if (*i >= n) {
            return -1;                           /* unterminated */
        }
        int digit = B64[s[*i]];
        if (digit < 0) {
            return -1;                           /* not base64 */
        }
        (*i)++;
        int bits = digit & 31;
        if (bits) {
            if (shift >= 32) {
                return -1;
            }
            unsigned_value += (uint64_t)bits << shift;
            if (unsigned_value >= ((uint64_t)1 << 32)) {
                return -1;                       /* the spec throws; the exact decoder says so */
            }
        }
        if (!(digit & 32)) {
            break;
        }
        if (shift < 64) {
            shift += 5;                          /* zero continuation digits are legal */
        }
    }
    int64_t magnitude = (int64_t)(unsigned_value >> 1);
    if (unsigned_value & 1) {
        *value = magnitude ? -magnitude : -(int64_t)2147483648LL;   /* §6.1 negative zero */
    } else {
        *value = magnitude;
    }
    return 0;
}

typedef struct {
    int64_t source, line, column, name;
    int64_t min_source, max_source, min_line, min_column, min_name, max_name;
    int any_original, any_name;
} State;

/* The state only changes here, so extremes taken here equal those over every
   stored value (the initial zeros aside, which are never out of range when
   any field is checked at all). */
static inline void track_extremes(State *st, int has_name)
{
    if (!st->any_original || st->source < st->min_source) st->min_source = st->source;
    if (!st->any_original || st->source > st->max_source) st->max_source = st->source;
    if (!st->any_original || st->line < st->min_line) st->min_line = st->line;
    if (!st->any_original || st->column < st->min_column) st->min_column = st->column;
    st->any_original = 1;
    if (has_name) {
        if (!st->any_name || st->name < st->min_name) st->min_name = st->name;
        if (!st->any_name || st->name > st->max_name) st->max_name = st->name;
        st->any_name = 1;
    }
}

/* Decode one segment ending at ',' ';' or the end. Returns the flags, or -1 to refuse. */
static int decode_segment(const unsigned char *s, Py_ssize_t n, Py_ssize_t *i, State *st,
                          int64_t *generated_column)
{
    int64_t values[5];
    int count = 0;
    while (*i < n && s[*i] != ',' && s[*i] != ';') {
        if (count == 5 || read_vlq(s, n, i, &values[count]) < 0) {
            return -1;
        }
        count++;
    }
    if ((count != 1 && count != 4 && count != 5) || values[0] < 0) {
        return -1;                               /* bad size (or empty); unsorted or negative */
    }
    *generated_column += values[0];
    if (!FITS32(*generated_column)) {
        return -1;
    }
    if (count == 1) {
        return 0;
    }
    st->source += values[1];
    st->line += values[2];
    st->column += values[3];
    if (count == 5) {
        st->name += values[4];
    }
    if (!FITS32(st->source) || !FITS32(st->line) || !FITS32(st->column) || !FITS32(st->name)) {
        return -1;
    }
    track_extremes(st, count == 5);
    return count == 5 ? HAS_ORIGINAL | HAS_NAME : HAS_ORIGINAL;
}

static inline void store(Output *out, Py_ssize_t k, int64_t column, const State *st, int flags)
{
    out->columns[k] = (int32_t)column;
    out->sources[k] = (int32_t)st->source;
    out->lines[k] = (int32_t)st->line;
    out->original_columns[k] = (int32_t)st->column;
    out->names[k] = (int32_t)st->name;
    out->flags[k] = (int8_t)flags;
}

static int in_range(const State *st, Py_ssize_t source_count, Py_ssize_t name_count);

/* What a walk over `mappings` reports: each segment, and the end of each line. */
typedef struct {
    void (*segment)(void *ctx, Py_ssize_t line, int64_t column, const State *st, int flags);
    void (*line_end)(void *ctx, Py_ssize_t line);
    void *ctx;
} Visitor;

/* Decode every segment of s[0:n] in order, reporting to the visitor.
   Returns 0, or -1 when the input must be refused (state extremes are in st). */
static inline int walk(const unsigned char *s, Py_ssize_t n, State *st, const Visitor *v)
{
    Py_ssize_t i = 0, line = 0;
    for (;;) {
        int64_t column = 0;
        if (i < n && s[i] != ';') {
            for (;;) {
                int flags = decode_segment(s, n, &i, st, &column);
                if (flags < 0) {
                    return -1;
                }
                v->segment(v->ctx, line, column, st, flags);
                if (i < n && s[i] == ',') {
                    i++;
                    continue;
                }
                break;
            }
        }
        v->line_end(v->ctx, line);
        if (i >= n) {
            return 0;
        }
        i++;                                     /* the ';' */
        line++;
    }
}

typedef struct {
    Output *out;
    Py_ssize_t segments;
} Storing;

static void store_segment(void *ctx, Py_ssize_t line, int64_t column, const State *st, int flags)
{
    Storing *storing = ctx;
    store(storing->out, storing->segments++, column, st, flags);
}

static void store_line_end(void *ctx, Py_ssize_t line)
{
    Storing *storing = ctx;
    storing->out->offsets[line + 1] = storing->segments;
}


static PyObject *decode_mappings(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_ssize_t source_count, name_count, start = 0, end = -1;
    if (!PyArg_ParseTuple(args, "Onn|nn", &text, &source_count, &name_count, &start, &end)) {
        return NULL;
    }
    const unsigned char *s;
    Py_ssize_t n;
    int viewed = view_text(text, start, end, &s, &n);
    if (viewed <= 0) {
        if (viewed < 0) {
            return NULL;
        }
        Py_RETURN_NONE;
    }
    Py_ssize_t line_count = 1, max_segments = 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        line_count += s[k] == ';';
        max_segments += s[k] == ';' || s[k] == ',';
    }
    Output out;
    memset(&out, 0, sizeof(out));
    if (alloc_output(&out, line_count, max_segments) < 0) {
        free_output(&out);
        return NULL;
    }
    State st = {0};
    out.offsets[0] = 0;
    Storing storing = {&out, 0};
    Visitor visitor = {store_segment, store_line_end, &storing};
    if (walk(s, n, &st, &visitor) < 0) {
        goto refuse;
    }
    if (!in_range(&st, source_count, name_count)) {
        goto refuse;
    }
    return finish_output(&out, line_count, storing.segments);

refuse:
    free_output(&out);
    Py_RETURN_NONE;
}

/* One mapping seen by lookup_once: its generated position, state and flags. */
typedef struct {
    int set, flags;
    Py_ssize_t line;
    int64_t column, source, original_line, original_column, name;
} Seen;

static inline void see(Seen *seen, Py_ssize_t line, int64_t column, const State *st, int flags)
{
    seen->set = 1;
    seen->flags = flags;
    seen->line = line;
    seen->column = column;
    seen->source = st->source;
    seen->original_line = st->line;
    seen->original_column = st->column;
    seen->name = st->name;
}

/* The range checks of decode_mappings, so both accept exactly the same input. */
static int in_range(const State *st, Py_ssize_t source_count, Py_ssize_t name_count)
{
    return !(st->any_original && (st->min_source < 0 || st->max_source >= source_count
                                  || st->min_line < 0 || st->min_column < 0
                                  || (st->any_name && (st->min_name < 0 || st->max_name >= name_count))));
}

/* hit: on the target line, the first mapping at the last column <= target.
   tail: on the current line, the first mapping at its last column.
   before: the tail of the last non-empty line above the target. */
typedef struct {
    Py_ssize_t line;
    int64_t column;
    Seen hit, tail, before;
} Searching;

static void search_segment(void *ctx, Py_ssize_t line, int64_t column, const State *st, int flags)
{
    Searching *search = ctx;
    if (!search->tail.set || column != search->tail.column) {
        see(&search->tail, line, column, st, flags);
    }
    if (line == search->line && column <= search->column
            && (!search->hit.set || column != search->hit.column)) {
        see(&search->hit, line, column, st, flags);
    }
}

static void search_line_end(void *ctx, Py_ssize_t line)
{
    Searching *search = ctx;
    if (search->tail.set && line < search->line) {
        search->before = search->tail;
    }
    search->tail.set = 0;
}

/* A greatest-lower-bound lookup (smtools.sourcemap.lookup.find) while decoding,
   with nothing stored: the whole text is still read, so that the input is
   accepted exactly when decode_mappings accepts it. */
static PyObject *lookup_once(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_ssize_t source_count, name_count, target_line, target_column, start = 0, end = -1;
    int same_line;
    if (!PyArg_ParseTuple(args, "Onnnnp|nn", &text, &source_count, &name_count, &target_line,
                          &target_column, &same_line, &start, &end)) {
        return NULL;
    }
    const unsigned char *s;
    Py_ssize_t n;
    int viewed = view_text(text, start, end, &s, &n);
    if (viewed <= 0) {
        if (viewed < 0) {
            return NULL;
        }
        Py_RETURN_FALSE;
    }
    State st = {0};
    Searching search = {target_line, target_column};
    Visitor visitor = {search_segment, search_line_end, &search};
    if (walk(s, n, &st, &visitor) < 0) {
        Py_RETURN_FALSE;
    }
    if (!in_range(&st, source_count, name_count)) {
        Py_RETURN_FALSE;
    }
    const Seen *found = search.hit.set ? &search.hit
                        : (!same_line && search.before.set) ? &search.before : NULL;
    if (found == NULL) {
        Py_RETURN_NONE;
    }
    return Py_BuildValue("(nLLLLLi)", found->line, (long long)found->column, (long long)found->source,
                         (long long)found->original_line, (long long)found->original_column,
                         (long long)found->name, found->flags);
}

/* The decoded arrays of decode_mappings, read back without copying. */
typedef struct {
    const int64_t *offsets;
    const int32_t *columns, *sources, *lines, *original_columns, *names;
    const int8_t *flags;
    Py_ssize_t line_count, segments;
} Decoded;

static int view_decoded(PyObject *raw, Decoded *d)
{
    if (!PyTuple_Check(raw) || PyTuple_GET_SIZE(raw) != 7) {
        PyErr_SetString(PyExc_TypeError, "expected the 7 bytearrays of decode_mappings");
        return -1;
    }
    for (int k = 0; k < 7; k++) {
        if (!PyByteArray_Check(PyTuple_GET_ITEM(raw, k))) {
            PyErr_SetString(PyExc_TypeError, "expected the 7 bytearrays of decode_mappings");
            return -1;
        }
    }
#define BUFFER(k) PyByteArray_AS_STRING(PyTuple_GET_ITEM(raw, k))
    d->offsets = (const int64_t *)BUFFER(0);
    d->columns = (const int32_t *)BUFFER(1);
    d->sources = (const int32_t *)BUFFER(2);
    d->lines = (const int32_t *)BUFFER(3);
    d->original_columns = (const int32_t *)BUFFER(4);
    d->names = (const int32_t *)BUFFER(5);
    d->flags = (const int8_t *)BUFFER(6);
#undef BUFFER
    d->line_count = PyByteArray_GET_SIZE(PyTuple_GET_ITEM(raw, 0)) / (Py_ssize_t)sizeof(int64_t) - 1;
    d->segments = PyByteArray_GET_SIZE(PyTuple_GET_ITEM(raw, 6));
    return 0;
}

/* First index in [lo, hi) whose column is > column (bisect_right) or >= column (bisect_left). */
static Py_ssize_t bisect(const int32_t *columns, Py_ssize_t lo, Py_ssize_t hi, int64_t column, int right)
{
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (columns[mid] < column || (right && columns[mid] == column)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* smtools.sourcemap.lookup.find with GREATEST_LOWER_BOUND and same_line=False. */
static Py_ssize_t find_lower(const Decoded *d, Py_ssize_t line, int64_t column)
{
    Py_ssize_t previous;
    if (line < d->line_count) {
        Py_ssize_t start = d->offsets[line], end = d->offsets[line + 1];
        Py_ssize_t index = bisect(d->columns, start, end, column, 1) - 1;
        if (index >= start) {
            return bisect(d->columns, start, index, d->columns[index], 0);
        }
        previous = start - 1;
    } else {
        previous = d->segments - 1;
    }
    if (previous < 0) {
        return -1;
    }
    /* The line holding `previous`: the last line starting at or before it. */
    Py_ssize_t lo = 0, hi = d->line_count + 1;
    while (lo < hi) {
        Py_ssize_t mid = lo + (hi - lo) / 2;
        if (d->offsets[mid] <= previous) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return bisect(d->columns, d->offsets[lo - 1], previous, d->columns[previous], 0);
}

/* original_lookup(raw, line, column) -> (source, original line, original column, name or -1),
   or None when no mapping with an original position is found. */
static PyObject *original_lookup(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "original_lookup(raw, line, column)");
        return NULL;
    }
    Decoded d;
    if (view_decoded(args[0], &d) < 0) {
        return NULL;
    }
    /* Python ints of any size: beyond 64 bits they compare as "after everything". */
    int line_over, column_over;
    long long line = PyLong_AsLongLongAndOverflow(args[1], &line_over);
    long long column = PyLong_AsLongLongAndOverflow(args[2], &column_over);
    if (((line == -1 && !line_over) || (column == -1 && !column_over)) && PyErr_Occurred()) {
        return NULL;
    }
    if (line_over < 0 || column_over < 0 || (!line_over && line < 0) || (!column_over && column < 0)) {
        PyErr_SetString(PyExc_ValueError, "position must be non-negative");
        return NULL;
    }
    if (line_over > 0 || line > d.line_count) {
        line = d.line_count;
    }
    if (column_over > 0) {
        column = INT64_MAX;
    }
    Py_ssize_t index = find_lower(&d, (Py_ssize_t)line, (int64_t)column);
    if (index < 0 || !(d.flags[index] & HAS_ORIGINAL)) {
        Py_RETURN_NONE;
    }
    return Py_BuildValue("(iiii)", d.sources[index], d.lines[index], d.original_columns[index],
                         (d.flags[index] & HAS_NAME) ? d.names[index] : -1);
}

/* True when some VLQ has 7 or more digits, the only way to exceed 32 bits. */
static PyObject *has_long_vlq(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_ssize_t start = 0, end = -1;
    if (!PyArg_ParseTuple(args, "O|nn", &text, &start, &end)) {
        return NULL;
    }
    const unsigned char *s;
    Py_ssize_t n;
    int viewed = view_text(text, start, end, &s, &n);
    if (viewed <= 0) {
        if (viewed < 0) {
            return NULL;
        }
        Py_RETURN_TRUE;                          /* non-ASCII: let the exact path look */
    }
    int run = 0;
    for (Py_ssize_t k = 0; k < n; k++) {
        run = B64[s[k]] >= 32 ? run + 1 : 0;
        if (run >= 6) {
            Py_RETURN_TRUE;
        }
    }
    Py_RETURN_FALSE;
}

static PyMethodDef methods[] = {
    {"decode_mappings", decode_mappings, METH_VARARGS,
     "decode_mappings(text, source_count, name_count[, start, end]) -> 7 bytearrays, or None.\n\n"
     "Decode a plainly valid ECMA-426 mappings string (str, or bytes within [start, end))\n"
     "into native arrays; None when the exact decoder must judge the input."},
    {"lookup_once", lookup_once, METH_VARARGS,
     "lookup_once(text, source_count, name_count, line, column, same_line[, start, end])\n"
     "-> (line, column, source, original_line, original_column, name, flags), None when no\n"
     "mapping is at or before the position, or False when decode_mappings would refuse."},
    {"original_lookup", (PyCFunction)(void (*)(void))original_lookup, METH_FASTCALL,
     "original_lookup(raw, line, column) -> (source, original_line, original_column, name),\n"
     "name -1 when absent, or None: a greatest-lower-bound lookup (same line or earlier)\n"
     "over the arrays decode_mappings returned."},
    {"has_long_vlq", has_long_vlq, METH_VARARGS,
     "has_long_vlq(text[, start, end]) -> bool: a VLQ of 7 or more digits is present."},
    {"skim_object", jsonskim_skim_object, METH_VARARGS,
     "skim_object(data[, start[, array_key]]) -> {key: (start, end)}, or None if the data is\n"
     "not one valid JSON object; the entry of array_key, when an array, is\n"
     "(start, end, [element spans])."},
    {"skim_array", jsonskim_skim_array, METH_VARARGS,
     "skim_array(data, start, end) -> [(start, end), ...] of a JSON array's elements, or None."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Optional C speed-ups for smtools.sourcemap.", -1, methods
};

PyMODINIT_FUNC PyInit__speedups(void)
{
    init_table();
    jsonskim_init();
    return PyModule_Create(&module);
}
