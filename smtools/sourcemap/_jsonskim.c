/*
 * A JSON validator that records where values are, without building them.
 *
 * It accepts exactly RFC 8259 JSON, as JSON.parse does (bytes >= 0x80 inside
 * strings are taken as they are, like the UTF-8 decode with replacement the
 * Python path applies). Anything else makes the caller fall back to a full
 * parse, which reports the error. Used to leave `mappings` and
 * `sourcesContent` of a large source map unparsed until they are needed.
 */
#include "_jsonskim.h"

#include <string.h>

#define MAX_DEPTH 512

/* Bytes that end the fast scan through a JSON string: '"', '\\' and controls. */
static unsigned char STRING_STOP[256];

void jsonskim_init(void)
{
    memset(STRING_STOP, 0, sizeof(STRING_STOP));
    for (int c = 0; c < 0x20; c++) {
        STRING_STOP[c] = 1;
    }
    STRING_STOP['"'] = 1;
    STRING_STOP['\\'] = 1;
}

typedef struct {
    const unsigned char *s;
    Py_ssize_t n, i;
} Json;

static void skip_ws(Json *j)
{
    while (j->i < j->n) {
        unsigned char c = j->s[j->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return;
        }
        j->i++;
    }
}

static int is_hex(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* At an opening quote; sets *escaped (when given) if the string holds a backslash. */
static int skip_string(Json *j, int *escaped)
{
    j->i++;
    for (;;) {
        const unsigned char *at = j->s + j->i;
        Py_ssize_t left = j->n - j->i, k = 0;
        while (k < left && !STRING_STOP[at[k]]) {
            k++;
        }
        j->i += k;
        if (j->i >= j->n) {
            return -1;
        }
        unsigned char c = j->s[j->i];
        if (c == '"') {
            j->i++;
            return 0;
        }
        if (c < 0x20) {
            return -1;                           /* a raw control character */
        }
        if (escaped) {
            *escaped = 1;
        }
        if (j->i + 1 >= j->n) {
            return -1;
        }
        unsigned char e = j->s[j->i + 1];
        if (e == 'u') {
            if (j->i + 5 >= j->n || !is_hex(j->s[j->i + 2]) || !is_hex(j->s[j->i + 3])
                || !is_hex(j->s[j->i + 4]) || !is_hex(j->s[j->i + 5])) {
                return -1;
            }
            j->i += 6;
        } else if (e != 0 && strchr("\"\\/bfnrt", e) != NULL) {
            j->i += 2;
        } else {
            return -1;
        }
    }
}

static int skip_digits(Json *j)
{
    Py_ssize_t from = j->i;
    while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9') {
        j->i++;
    }
    return j->i > from ? 0 : -1;
}

static int skip_number(Json *j)
{
    if (j->s[j->i] == '-') {
        j->i++;
    }
    if (j->i >= j->n) {
        return -1;
    }
    if (j->s[j->i] == '0') {
        j->i++;
    } else if (skip_digits(j) < 0) {
        return -1;
    }
    if (j->i < j->n && j->s[j->i] == '.') {
        j->i++;
        if (skip_digits(j) < 0) {
            return -1;
        }
    }
    if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
        j->i++;
        if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-')) {
            j->i++;
        }
        if (skip_digits(j) < 0) {
            return -1;
        }
    }
    return 0;
}

static int skip_literal(Json *j, const char *word)
{
    size_t length = strlen(word);
    if ((size_t)(j->n - j->i) < length || memcmp(j->s + j->i, word, length) != 0) {
        return -1;
    }
    j->i += (Py_ssize_t)length;
    return 0;
}

static int skip_value(Json *j, int depth);

static int skip_container(Json *j, int depth, unsigned char close)
{
    if (depth > MAX_DEPTH) {
        return -1;
    }
    j->i++;
    skip_ws(j);
    if (j->i < j->n && j->s[j->i] == close) {
        j->i++;
        return 0;
    }
    for (;;) {
        if (close == '}') {
            skip_ws(j);
            if (j->i >= j->n || j->s[j->i] != '"' || skip_string(j, NULL) < 0) {
                return -1;
            }
            skip_ws(j);
            if (j->i >= j->n || j->s[j->i] != ':') {
                return -1;
            }
            j->i++;
        }
        if (skip_value(j, depth + 1) < 0 || j->i >= j->n) {
            return -1;
        }
        if (j->s[j->i] == ',') {
            j->i++;
            continue;
        }
        if (j->s[j->i] == close) {
            j->i++;
            return 0;
        }
        return -1;
    }
}

/* Skips whitespace, one value, and whitespace. */
static int skip_value(Json *j, int depth)
{
    skip_ws(j);
    if (j->i >= j->n) {
        return -1;
    }
    int result;
    switch (j->s[j->i]) {
    case '"': result = skip_string(j, NULL); break;
    case '{': result = skip_container(j, depth, '}'); break;
    case '[': result = skip_container(j, depth, ']'); break;
    case 't': result = skip_literal(j, "true"); break;
    case 'f': result = skip_literal(j, "false"); break;
    case 'n': result = skip_literal(j, "null"); break;
    default: result = skip_number(j); break;
    }
    skip_ws(j);
    return result;
}

/* End of the value that starts at `start`, trailing whitespace excluded. */
static Py_ssize_t trimmed_end(const Json *j, Py_ssize_t start)
{
    Py_ssize_t end = j->i;
    while (end > start && strchr(" \t\n\r", j->s[end - 1]) != NULL) {
        end--;
    }
    return end;
}

/* At '[': validates the array and returns its element spans, leaving j after
   the ']' and trailing whitespace. NULL without an exception when invalid. */
static PyObject *scan_array(Json *j)
{
    PyObject *result = PyList_New(0);
    if (result == NULL) {
        return NULL;
    }
    j->i++;
    skip_ws(j);
    if (j->i < j->n && j->s[j->i] == ']') {
        j->i++;
        skip_ws(j);
        return result;
    }
    for (;;) {
        skip_ws(j);
        Py_ssize_t start = j->i;
        if (skip_value(j, 2) < 0) {
            break;
        }
        PyObject *where = Py_BuildValue("(nn)", start, trimmed_end(j, start));
        if (where == NULL || PyList_Append(result, where) < 0) {
            Py_XDECREF(where);
            Py_DECREF(result);
            return NULL;
        }
        Py_DECREF(where);
        if (j->i < j->n && j->s[j->i] == ',') {
            j->i++;
            continue;
        }
        if (j->i < j->n && j->s[j->i] == ']') {
            j->i++;
            skip_ws(j);
            return result;
        }
        break;
    }
    Py_DECREF(result);
    return NULL;
}

/* One member "key": value; adds key -> span to `result`. 1 ok, 0 refuse, -1 error. */
static int skim_member(Json *j, PyObject *result, PyObject *array_key)
{
    skip_ws(j);
    if (j->i >= j->n || j->s[j->i] != '"') {
        return 0;
    }
    Py_ssize_t key_start = j->i + 1;
    int escaped = 0;
    if (skip_string(j, &escaped) < 0 || escaped) {
        return 0;                                /* escaped keys: the full parser decodes them */
    }
    PyObject *key = PyUnicode_DecodeUTF8((const char *)j->s + key_start, j->i - 1 - key_start,
                                         "replace");
    if (key == NULL) {
        return -1;
    }
    skip_ws(j);
    if (j->i >= j->n || j->s[j->i] != ':') {
        Py_DECREF(key);
        return 0;
    }
    j->i++;
    skip_ws(j);
    Py_ssize_t start = j->i;
    int wanted = array_key != Py_None && j->i < j->n && j->s[j->i] == '['
                 ? PyObject_RichCompareBool(key, array_key, Py_EQ) : 0;
    PyObject *elements = NULL;
    if (wanted > 0) {
        elements = scan_array(j);               /* validates and records in one pass */
        if (elements == NULL) {
            Py_DECREF(key);
            return PyErr_Occurred() ? -1 : 0;
        }
    } else if (wanted < 0) {
        Py_DECREF(key);
        return -1;
    } else if (skip_value(j, 1) < 0) {
        Py_DECREF(key);
        return 0;
    }
    Py_ssize_t end = trimmed_end(j, start);
    PyObject *where = elements ? Py_BuildValue("(nnN)", start, end, elements)
                               : Py_BuildValue("(nn)", start, end);
    int status = where == NULL ? -1 : PyDict_SetItem(result, key, where);
    Py_XDECREF(where);
    Py_DECREF(key);
    return status < 0 ? -1 : 1;
}

/* skim_object(data, start=0, array_key=None) -> {key: (start, end)} or None.
   The whole document from `start` must be one JSON object; for repeated keys
   the last wins, as with JSON.parse. When the value of `array_key` is an
   array, its entry is (start, end, [element spans]). */
PyObject *jsonskim_skim_object(PyObject *self, PyObject *args)
{
    Py_buffer buffer;
    Py_ssize_t start = 0;
    PyObject *array_key = Py_None;
    if (!PyArg_ParseTuple(args, "y*|nO", &buffer, &start, &array_key)) {
        return NULL;
    }
    Json j = {(const unsigned char *)buffer.buf, buffer.len, start};
    PyObject *result = PyDict_New();
    int status = result == NULL ? -1 : 1;
    skip_ws(&j);
    if (status > 0 && (j.i >= j.n || j.s[j.i] != '{')) {
        status = 0;
    }
    if (status > 0) {
        j.i++;
        skip_ws(&j);
        if (j.i < j.n && j.s[j.i] == '}') {
            j.i++;
        } else {
            for (;;) {
                status = skim_member(&j, result, array_key);
                if (status <= 0) {
                    break;
                }
                if (j.i < j.n && j.s[j.i] == ',') {
                    j.i++;
                    continue;
                }
                if (!(j.i < j.n && j.s[j.i] == '}')) {
                    status = 0;
                }
                j.i++;
                break;
            }
        }
    }
    if (status > 0) {
        skip_ws(&j);
        if (j.i != j.n) {
            status = 0;
        }
    }
    PyBuffer_Release(&buffer);
    if (status > 0) {
        return result;
    }
    Py_XDECREF(result);
    if (status < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

/* skim_array(data, start, end) -> [(start, end), ...] of a JSON array's elements, or None. */
PyObject *jsonskim_skim_array(PyObject *self, PyObject *args)
{
    Py_buffer buffer;
    Py_ssize_t start, end;
    if (!PyArg_ParseTuple(args, "y*nn", &buffer, &start, &end)) {
        return NULL;
    }
    if (start < 0 || end > buffer.len || start >= end) {
        PyBuffer_Release(&buffer);
        PyErr_SetString(PyExc_ValueError, "bad start/end");
        return NULL;
    }
    Json j = {(const unsigned char *)buffer.buf, end, start};
    PyObject *result = j.s[j.i] == '[' ? scan_array(&j) : NULL;
    PyBuffer_Release(&buffer);
    if (result != NULL && j.i != j.n) {
        Py_CLEAR(result);
    }
    if (result == NULL && !PyErr_Occurred()) {
        Py_RETURN_NONE;
    }
    return result;
}
