/*
 * Optional C decoder for the source-map "mappings" field (ECMA-426 §9.2).
 *
 * It mirrors smtools.sourcemap.mappings.decode_fast exactly: it decodes a
 * plainly valid mappings string into flat native arrays, and returns None for
 * anything the exact Python decoder must judge (grammar errors, values beyond
 * 32 bits, unsorted lines, negative or out-of-range indexes). Results are
 * returned as bytes in the layout of array('q') (line offsets), array('i')
 * (columns, sources, original lines/columns, names) and array('b') (flags).
 * Without a compiler the package works the same with the Python decoder.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#define HAS_ORIGINAL 1
#define HAS_NAME 2

static signed char B64[256];

static void init_table(void)
{
    const char *alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    memset(B64, -1, sizeof(B64));
    for (int i = 0; i < 64; i++) {
        B64[(unsigned char)alphabet[i]] = (signed char)i;
    }
}

typedef struct {
    int64_t *offsets;
    int32_t *columns, *sources, *lines, *original_columns, *names;
    int8_t *flags;
} Output;

static void free_output(Output *out)
{
    PyMem_Free(out->offsets);
    PyMem_Free(out->columns);
    PyMem_Free(out->sources);
    PyMem_Free(out->lines);
    PyMem_Free(out->original_columns);
    PyMem_Free(out->names);
    PyMem_Free(out->flags);
}

/* Read one VLQ at s[*i]. Returns 0 on success, -1 when the fast path must refuse. */
static int read_vlq(const unsigned char *s, Py_ssize_t n, Py_ssize_t *i, int64_t *value)
{
    uint64_t unsigned_value = 0;
    int shift = 0;
    for (;;) {
        if (*i >= n) {
            return -1;                       /* unterminated */
        }
        int digit = B64[s[*i]];
        if (digit < 0) {
            return -1;                       /* not base64 (includes ',' ';' handled by caller) */
        }
        (*i)++;
        int bits = digit & 31;
        if (bits) {
            if (shift >= 32) {
                return -1;
            }
            unsigned_value += (uint64_t)bits << shift;
            if (unsigned_value >= ((uint64_t)1 << 32)) {
                return -1;                   /* the spec throws; the exact decoder reports it */
            }
        }
        if (!(digit & 32)) {
            break;
        }
        if (shift < 64) {
            shift += 5;                      /* zero continuation digits are legal */
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

#define FITS32(v) ((v) >= INT32_MIN && (v) <= INT32_MAX)

static PyObject *decode_mappings(PyObject *self, PyObject *args)
{
    PyObject *text;
    Py_ssize_t source_count, name_count;
    if (!PyArg_ParseTuple(args, "Onn", &text, &source_count, &name_count)) {
        return NULL;
    }
    const unsigned char *s;
    Py_ssize_t n;
    if (PyUnicode_Check(text)) {
        if (!PyUnicode_IS_ASCII(text)) {
            Py_RETURN_NONE;
        }
        s = PyUnicode_1BYTE_DATA(text);
        n = PyUnicode_GET_LENGTH(text);
    } else if (PyBytes_Check(text)) {
        s = (const unsigned char *)PyBytes_AS_STRING(text);
        n = PyBytes_GET_SIZE(text);
    } else {
        PyErr_SetString(PyExc_TypeError, "mappings must be str or bytes");
        return NULL;
    }

    Py_ssize_t line_count = 1, max_segments = 1;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (s[k] == ';') {
            line_count++;
            max_segments++;
        } else if (s[k] == ',') {
            max_segments++;
        }
    }
    Output out = {0};
    out.offsets = PyMem_Malloc((size_t)(line_count + 1) * sizeof(int64_t));
    out.columns = PyMem_Malloc((size_t)max_segments * sizeof(int32_t));
    out.sources = PyMem_Malloc((size_t)max_segments * sizeof(int32_t));
    out.lines = PyMem_Malloc((size_t)max_segments * sizeof(int32_t));
    out.original_columns = PyMem_Malloc((size_t)max_segments * sizeof(int32_t));
    out.names = PyMem_Malloc((size_t)max_segments * sizeof(int32_t));
    out.flags = PyMem_Malloc((size_t)max_segments);
    if (!out.offsets || !out.columns || !out.sources || !out.lines || !out.original_columns
        || !out.names || !out.flags) {
        free_output(&out);
        return PyErr_NoMemory();
    }

    int64_t source = 0, line = 0, column = 0, name = 0;
    int64_t min_source = 0, max_source = 0, min_line = 0, min_column = 0;
    int64_t min_name = 0, max_name = 0;
    int any_original = 0, any_name = 0;
    Py_ssize_t i = 0, segment = 0, generated_line = 0;
    out.offsets[0] = 0;
    for (;;) {
        int64_t generated_column = 0;
        if (i < n && s[i] != ';') {
            for (;;) {
                int64_t values[5];
                int count = 0;
                while (i < n && s[i] != ',' && s[i] != ';') {
                    if (count == 5 || read_vlq(s, n, &i, &values[count]) < 0) {
                        goto refuse;
                    }
                    count++;
                }
                if (count != 1 && count != 4 && count != 5) {
                    goto refuse;                 /* includes an empty segment */
                }
                if (values[0] < 0) {
                    goto refuse;                 /* unsorted line or negative column */
                }
                generated_column += values[0];
                if (!FITS32(generated_column)) {
                    goto refuse;
                }
                int8_t flags = 0;
                if (count > 1) {
                    source += values[1];
                    line += values[2];
                    column += values[3];
                    flags = HAS_ORIGINAL;
                    if (count == 5) {
                        name += values[4];
                        flags |= HAS_NAME;
                        any_name = 1;
                    }
                    any_original = 1;
                    if (!FITS32(source) || !FITS32(line) || !FITS32(column) || !FITS32(name)) {
                        goto refuse;
                    }
                }
                out.columns[segment] = (int32_t)generated_column;
                out.sources[segment] = (int32_t)source;
                out.lines[segment] = (int32_t)line;
                out.original_columns[segment] = (int32_t)column;
                out.names[segment] = (int32_t)name;
                out.flags[segment] = flags;
                if (segment == 0) {
                    min_source = max_source = source;
                    min_line = line;
                    min_column = column;
                    min_name = max_name = name;
                } else {
                    if (source < min_source) min_source = source;
                    if (source > max_source) max_source = source;
                    if (line < min_line) min_line = line;
                    if (column < min_column) min_column = column;
                    if (name < min_name) min_name = name;
                    if (name > max_name) max_name = name;
                }
                segment++;
                if (i < n && s[i] == ',') {
                    i++;
                    continue;
                }
                break;
            }
        }
        out.offsets[++generated_line] = segment;
        if (i >= n) {
            break;
        }
        i++;                                     /* the ';' */
    }
    /* Decoder state only changes at segments carrying a field, so every
       stored value is some segment's own value or the initial 0. */
    if (any_original) {
        if (min_source < 0 || max_source >= source_count || min_line < 0 || min_column < 0) {
            goto refuse;
        }
        if (any_name && (min_name < 0 || max_name >= name_count)) {
            goto refuse;
        }
    }
    PyObject *result = Py_BuildValue(
        "(y#y#y#y#y#y#y#)",
        (const char *)out.offsets, (Py_ssize_t)((generated_line + 1) * sizeof(int64_t)),
        (const char *)out.columns, (Py_ssize_t)(segment * sizeof(int32_t)),
        (const char *)out.sources, (Py_ssize_t)(segment * sizeof(int32_t)),
        (const char *)out.lines, (Py_ssize_t)(segment * sizeof(int32_t)),
        (const char *)out.original_columns, (Py_ssize_t)(segment * sizeof(int32_t)),
        (const char *)out.names, (Py_ssize_t)(segment * sizeof(int32_t)),
        (const char *)out.flags, (Py_ssize_t)segment);
    free_output(&out);
    return result;

refuse:
    free_output(&out);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"decode_mappings", decode_mappings, METH_VARARGS,
     "decode_mappings(text, source_count, name_count) -> tuple of 7 bytes, or None.\n\n"
     "Decode a plainly valid ECMA-426 mappings string into native arrays; None when\n"
     "the exact decoder must judge the input."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_speedups", "Optional C decoder for source-map mappings.", -1, methods
};

PyMODINIT_FUNC PyInit__speedups(void)
{
    init_table();
    return PyModule_Create(&module);
}
