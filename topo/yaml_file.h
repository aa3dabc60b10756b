/*
 * topo/yaml_file.h - reading a file that holds exactly one YAML document,
 * the way every pktsim input (experiment files, ASTRA-sim network and
 * system files) is read, with the same messages.
 */
#ifndef PKTSIM_TOPO_YAML_FILE_H
#define PKTSIM_TOPO_YAML_FILE_H

#include <stddef.h>
#include <stdio.h>
#include <yaml.h>

/* Load the document of f. On success 0, and *doc is to be deleted by the
 * caller (its root is NULL for an empty file: the caller says what it
 * expected). On failure NET_ERR_NOMEM or NET_ERR_INVAL, nothing to delete,
 * and err holds "PATH: ...", "PATH:LINE:COLUMN: YAML syntax error: ..." or
 * "PATH:LINE: a second YAML document; WHAT holds one". */
int yaml_file_load(FILE *f, const char *path, const char *what, yaml_document_t *doc, char *err,
		   size_t errlen);

/* "a map", "a list" or "a single value", for messages. */
const char *yaml_node_kind(const yaml_node_t *n);

/* The text of a scalar node; NULL, with the reason in why (may be NULL),
 * for anything else or a value with a NUL character inside. */
const char *yaml_scalar_text(const yaml_node_t *n, char *why, size_t whylen);

#endif
