/*
 * topo/yaml_file.c - one YAML document per file (see the header).
 */
#include "topo/yaml_file.h"

#include <string.h>

#include "net/engine.h"

static int parse_error(const yaml_parser_t *p, const char *path, char *err, size_t errlen)
{
	const char *problem = p->problem ? p->problem : "unknown error";

	switch (p->error) {
	case YAML_MEMORY_ERROR:
		snprintf(err, errlen, "%s: out of memory reading YAML", path);
		return NET_ERR_NOMEM;
	case YAML_READER_ERROR:
		snprintf(err, errlen, "%s: cannot read as YAML: %s (at byte %zu)", path, problem,
			 p->problem_offset);
		return NET_ERR_INVAL;
	default:
		snprintf(err, errlen, "%s:%zu:%zu: YAML syntax error: %s", path,
			 p->problem_mark.line + 1, p->problem_mark.column + 1, problem);
		return NET_ERR_INVAL;
	}
}

int yaml_file_load(FILE *f, const char *path, const char *what, yaml_document_t *doc, char *err,
		   size_t errlen)
{
	yaml_parser_t parser;
	yaml_document_t extra;
	int rc = 0;

	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "%s: out of memory", path);
		return NET_ERR_NOMEM;
	}
	yaml_parser_set_input_file(&parser, f);
	if (!yaml_parser_load(&parser, doc)) {
		rc = parse_error(&parser, path, err, errlen);
		goto out;
	}
	/* A second document would otherwise be ignored without a word. */
	if (yaml_document_get_root_node(doc)) {
		if (!yaml_parser_load(&parser, &extra)) {
			rc = parse_error(&parser, path, err, errlen);
		} else {
			yaml_node_t *second = yaml_document_get_root_node(&extra);
			if (second) {
				snprintf(err, errlen, "%s:%zu: a second YAML document; %s holds one",
					 path, second->start_mark.line + 1, what);
				rc = NET_ERR_INVAL;
			}
			yaml_document_delete(&extra);
		}
		if (rc)
			yaml_document_delete(doc);
	}
out:
	yaml_parser_delete(&parser);
	return rc;
}

const char *yaml_node_kind(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return "a map";
	case YAML_SEQUENCE_NODE:
		return "a list";
	default:
		return "a single value";
	}
}

const char *yaml_scalar_text(const yaml_node_t *n, char *why, size_t whylen)
{
	if (n->type != YAML_SCALAR_NODE) {
		if (why)
			snprintf(why, whylen, "expected a single value, found %s", yaml_node_kind(n));
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		if (why)
			snprintf(why, whylen, "the value contains a NUL character");
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}
