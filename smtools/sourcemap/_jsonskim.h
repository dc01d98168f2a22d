/* JSON skimming for the optional C extension (see _jsonskim.c). */
#ifndef SMTOOLS_JSONSKIM_H
#define SMTOOLS_JSONSKIM_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

void jsonskim_init(void);
PyObject *jsonskim_skim_object(PyObject *self, PyObject *args);
PyObject *jsonskim_skim_array(PyObject *self, PyObject *args);

#endif
