/*
 * board.h - the model of crm board that its text, JSON and HTML outputs
 * share: a pipeline's stages as columns, each with its count, its totals
 * per currency and its first deals as cards (board.c gathers them).
 */
#ifndef CRM_BOARD_H
#define CRM_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "cli.h"

/* One card: a deal.  Every string is owned, valid UTF-8 as the index
 * holds it; NULL when the deal has none. */
struct board_card {
	char id[CRM_ID_LEN + 1];
	char *name;                /* never NULL */
	char *company, *company_name, *amount, *currency;
	double value;              /* the amount, in units */
	bool has_amount;
	int probability;           /* percent, -1 when unknown */
	struct crm_next_task task; /* task.found false: none */
	enum crm_task_state state;
	bool stale;
};

/* The total of one currency ("" for none). */
struct board_total {
	char currency[8];
	double sum;
};

/* One column: a stage. */
struct board_column {
	const struct crm_stage *st;   /* borrowed from crm.yaml */
	size_t count;                 /* deals in the stage */
	struct board_total *totals;
	size_t ntotals;
	struct board_card *cards;     /* the first ones, by name */
	size_t ncards, cap;
};

/* A pipeline's board.  All fields are board.c's to fill and free. */
struct board {
	struct cli *cli;
	const struct crm_pipeline *p; /* borrowed from crm.yaml */
	bool is_default;          /* deals without a pipeline are in it */
	struct board_column *cols; /* one per stage, in the pipeline's order */
	struct next_map *next;
	size_t limit;             /* cards kept a stage; 0: all */
	size_t skipped;           /* deals in stages the pipeline lacks */
	time_t as_of;             /* the deals as they stood then; 0: now */
};

/*
 * Fills *b with the deals of pipeline p that q selects (NULL or an empty
 * query: all of them, counted from the index's totals), keeping at most
 * limit cards a stage (0: all); with as_of (not 0) each deal in the stage
 * it was in at that moment (crm_board_as_of).  On failure cli->err is set and the
 * status returned (CRM_EUSAGE for a query the index cannot run); free
 * *b with board_free() either way.
 */
int board_gather(struct cli *cli, const struct crm_pipeline *p,
		 const struct crm_query *q, size_t limit, time_t as_of,
		 struct board *b);
/* Frees what b holds (not b itself). */
void board_free(struct board *b);

/* ---- its HTML page (html-board.c) ---- */

/* Writes board b as one self-contained HTML page to f. */
void html_print_board(struct cli *cli, FILE *f, const struct board *b);

#endif
