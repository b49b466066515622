/*
 * test_pipeline.c - stages, lost reasons and statuses in crm.yaml: the
 * mapping form and the plain list older stores have, display names by
 * language, default probabilities and kinds, and the refusals.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "crm.h"

/* Parses text into cfg, asserting it parses. */
static void parse_ok(const char *text, struct crm_config *cfg)
{
	struct crm_err err = {0};

	cr_assert_eq(crm_config_parse(text, strlen(text), cfg, &err), CRM_OK,
		     "%s", err.msg);
}

/* Asserts that text is refused with a message holding want. */
static void parse_fails(const char *text, const char *want)
{
	struct crm_config cfg;
	struct crm_err err = {0};

	cr_assert_neq(crm_config_parse(text, strlen(text), &cfg, &err), CRM_OK);
	cr_expect(strstr(err.msg, want) != NULL, "got: %s", err.msg);
}

Test(pipeline, a_plain_list_reads_as_before)
{
	struct crm_config cfg;
	const struct crm_pipeline *p;
	const struct crm_stage *st;

	parse_ok("pipelines:\n- name: sales\n  stages:\n  - lead\n  - demo\n"
		 "  - won\n  - lost\n", &cfg);
	p = crm_config_pipeline(&cfg, "sales");
	cr_assert_not_null(p);
	cr_assert_eq(p->nstages, 4);
	cr_expect_str_eq(p->stages[1], "demo");
	st = crm_pipeline_stage(p, "lead");
	cr_assert_not_null(st);
	cr_expect_eq(st->kind, CRM_STAGE_OPEN);
	cr_expect_eq(st->probability, 33, "two open stages: 33 and 66");
	cr_expect_eq(crm_pipeline_stage(p, "demo")->probability, 66);
	cr_expect_eq(crm_pipeline_stage(p, "won")->kind, CRM_STAGE_WON);
	cr_expect_eq(crm_pipeline_stage(p, "won")->probability, 100);
	cr_expect_eq(crm_pipeline_stage(p, "lost")->kind, CRM_STAGE_LOST);
	cr_expect_eq(crm_pipeline_stage(p, "lost")->probability, 0);
	cr_expect_str_eq(crm_label_text(&st->label, "ru"), "lead",
			 "no name: the id is shown");
	cr_expect_null(crm_pipeline_stage(p, "nope"));
	crm_config_free(&cfg);
}

Test(pipeline, mapping_stages_with_names_by_language)
{
	struct crm_config cfg;
	const struct crm_pipeline *p;
	const struct crm_stage *st;

	parse_ok("pipelines:\n- name: sales\n  stages:\n"
		 "  - id: talk\n    name: {en: Negotiation, ru: Переговоры}\n"
		 "    probability: 70\n    rot_days: 10\n"
		 "  - id: signed\n    name: Подписан\n    kind: won\n"
		 "  - id: gone\n    kind: lost\n", &cfg);
	p = crm_config_pipeline(&cfg, NULL);
	st = crm_pipeline_stage(p, "talk");
	cr_assert_not_null(st);
	cr_expect_eq(st->probability, 70);
	cr_expect_eq(st->rot_days, 10);
	cr_expect_str_eq(crm_label_text(&st->label, "ru_RU.UTF-8"), "Переговоры");
	cr_expect_str_eq(crm_label_text(&st->label, "ru"), "Переговоры");
	cr_expect_str_eq(crm_label_text(&st->label, "az"), "Negotiation",
			 "another language: English");
	cr_expect_str_eq(crm_label_text(&st->label, NULL), "Negotiation");
	st = crm_pipeline_stage(p, "signed");
	cr_expect_eq(st->kind, CRM_STAGE_WON);
	cr_expect_eq(st->probability, 100);
	cr_expect_str_eq(crm_label_text(&st->label, "en"), "Подписан");
	cr_expect_eq(crm_pipeline_stage(p, "gone")->kind, CRM_STAGE_LOST);
	crm_config_free(&cfg);
}

Test(pipeline, bad_stages_are_refused_with_their_line)
{
	parse_fails("pipelines:\n- name: s\n  stages:\n  - id: a\n    kind: maybe\n",
		    "line 5: the kind of stage 'a' must be open, won or lost");
	parse_fails("pipelines:\n- name: s\n  stages:\n  - id: a\n"
		    "    probability: 120\n",
		    "line 5: 'probability' must be a whole number from 0 to 100");
	parse_fails("pipelines:\n- name: s\n  stages:\n  - id: a\n"
		    "    probability: -5\n", "'probability' must be a whole number");
	parse_fails("pipelines:\n- name: s\n  stages:\n  - name: A\n",
		    "line 4: each of 'stages' must be an id, or a map with an 'id'");
	parse_fails("pipelines:\n- name: s\n  stages:\n  - id: a\n    name: [x]\n",
		    "line 5: the name of 'a' must be text");
}

Test(pipeline, names_that_are_no_text_are_refused)
{
	parse_fails("pipelines:\n- name: s\n  stages:\n  - id: a\n    name: ''\n",
		    "line 5: the name of 'a' must be text");
	parse_fails("pipelines:\n- name: s\n  stages:\n  - id: a\n    name: {}\n",
		    "line 5: the name of 'a' must be text");
	parse_fails("pipelines:\n- name: s\n  stages:\n  - id: a\n    name:\n"
		    "      en: A\n      ru: [1]\n",
		    "line 7: the name of 'a' must be text");
	parse_fails("lost_reasons:\n- id: price\n  name: {en: {x: y}}\n",
		    "line 3: the name of 'price' must be text");
	parse_fails("lost_reasons: []\nlost_reasons_strict: true\n",
		    "line 2: 'lost_reasons_strict' is true, but 'lost_reasons' "
		    "lists none");
}

Test(pipeline, lost_reasons_statuses_and_flags)
{
	struct crm_config cfg;

	parse_ok("lost_reasons:\n- price\n- id: no_budget\n  name: Нет бюджета\n"
		 "lost_reasons_strict: true\nrequire_next_task: true\n"
		 "statuses: [new, customer]\n", &cfg);
	cr_assert_eq(cfg.nlost_reasons, 2);
	cr_expect(cfg.lost_reasons_strict);
	cr_expect(cfg.require_next_task);
	cr_expect_str_eq(crm_label_text(crm_label_find(cfg.lost_reasons,
			 cfg.nlost_reasons, "no_budget"), "ru"), "Нет бюджета");
	cr_expect_null(crm_label_find(cfg.lost_reasons, cfg.nlost_reasons, "x"));
	cr_assert_eq(cfg.nstatuses, 2);
	cr_expect_str_eq(cfg.statuses[1].id, "customer");
	crm_config_free(&cfg);
	parse_ok("version: 1\n", &cfg);
	cr_expect_eq(cfg.nstatuses, 4, "the default statuses");
	cr_expect_str_eq(cfg.statuses[0].id, "prospect");
	cr_expect(!cfg.lost_reasons_strict);
	crm_config_free(&cfg);
	parse_fails("require_next_task: yes please\n",
		    "'require_next_task' must be true or false");
	parse_fails("lost_reasons: price\n", "'lost_reasons' must be a list");
}

Test(pipeline, the_default_config_parses_back)
{
	char *text = crm_config_initial("ann", "Ann", "ann@example.com");
	const struct crm_pipeline *p;
	struct crm_config cfg;

	cr_assert_not_null(text);
	parse_ok(text, &cfg);
	p = crm_config_pipeline(&cfg, NULL);
	cr_assert_eq(p->nstages, 7);
	cr_expect_str_eq(p->stages[0], "lead");
	cr_expect_eq(crm_pipeline_stage(p, "negotiation")->probability, 80);
	cr_expect_eq(crm_pipeline_stage(p, "won")->kind, CRM_STAGE_WON);
	cr_expect_eq(cfg.nlost_reasons, 3);
	crm_config_free(&cfg);
	free(text);
}

Test(pipeline, what_is_active)
{
	struct crm_config cfg;
	struct crm_record *r;

	parse_ok("pipelines:\n- name: sales\n  stages: [lead, won, lost]\n", &cfg);
	r = crm_record_new(CRM_COMPANY, "aaaaaaaaaa", "Acme", 0);
	cr_expect(crm_is_active(&cfg, r), "no status, no relation: a prospect client");
	crm_map_set_str(r->map, "status", "inactive");
	cr_expect(!crm_is_active(&cfg, r));
	crm_map_set_str(r->map, "status", "active");
	crm_map_set_str(r->map, "relation", "supplier");
	cr_expect(!crm_is_active(&cfg, r), "a supplier needs no next task");
	crm_record_free(r);
	r = crm_record_new(CRM_DEAL, "bbbbbbbbbb", "Big", 0);
	crm_map_set_str(r->map, "stage", "lead");
	cr_expect(crm_is_active(&cfg, r));
	crm_map_set_str(r->map, "stage", "won");
	cr_expect(!crm_is_active(&cfg, r), "a won deal is closed");
	crm_record_free(r);
	crm_config_free(&cfg);
}
