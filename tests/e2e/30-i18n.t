#!/bin/bash
# 30-i18n.t - the Russian catalogue: under ru_RU.UTF-8 errors, usage
# errors and help come out in Russian with the arguments in place and the
# exit codes unchanged; under C.UTF-8 the same commands stay in English.

. "$(dirname "$0")/lib.sh"

: "${CRM_LOCALEDIR:=$(dirname "$CRM")/locale}"
CRM_LOCALEDIR=$(cd "$CRM_LOCALEDIR" 2>/dev/null && pwd) || {
	echo "Bail out! no compiled catalogues (CRM_LOCALEDIR); run make first"
	exit 1
}
export CRM_LOCALEDIR
if ! locale -a 2>/dev/null | grep -qiE '^ru_RU\.utf-?8$'; then
	echo "Bail out! locale ru_RU.UTF-8 is not installed (see locale -a)"
	exit 1
fi
if [ ! -f "$CRM_LOCALEDIR/ru/LC_MESSAGES/crm.mo" ]; then
	echo "Bail out! $CRM_LOCALEDIR/ru/LC_MESSAGES/crm.mo is missing"
	exit 1
fi

# run_ru / run_en ARGS...: like run, under the Russian or the C locale.
run_ru() {
	out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}
run_en() {
	out=$(LC_ALL=C.UTF-8 LANG=C.UTF-8 "$CRM" "$@" 2>"$TEST_ROOT/stderr")
	rc=$?
	err=$(cat "$TEST_ROOT/stderr")
}

# crm init itself, in Russian.
out=$(LC_ALL=ru_RU.UTF-8 LANG=ru_RU.UTF-8 "$CRM" init --user ann \
	--name "Ann Smith" --email ann@example.com --sample "$TEST_ROOT/ru" 2>&1)
is "$?" 0 "init under ru_RU succeeds"
like "$out" "^Создано хранилище crm в .*/ru для ann$" "init reports in Russian"
cd "$TEST_ROOT/ru" || exit 1

# An error with its argument, and the prefix.
run_en show nosuch
en_rc=$rc
is "$err" "crm: error: no record matches 'nosuch'" "C: show nosuch error is English"
run_ru show nosuch
is "$err" "crm: ошибка: нет записей, подходящих под 'nosuch'" \
	"ru: show nosuch error is Russian, argument kept"
is "$rc" "$en_rc" "ru: show nosuch exit code is unchanged ($en_rc)"
[ "$rc" -ne 0 ]
ok $? "show nosuch fails"
is "$out" "" "ru: nothing on stdout"

# A usage error: crm add without a type.
run_en add
en_rc=$rc
is "$err" "crm: error: which type: company, contact, deal or task?
usage: crm add company|contact|deal|task [NAME...] [options]" \
	"C: add without a type is an English usage error"
run_ru add
is "$err" "crm: ошибка: какой тип: company, contact, deal или task?
использование: crm add company|contact|deal|task [ИМЯ...] [параметры]" \
	"ru: add without a type is a Russian usage error"
is "$rc" "$en_rc" "ru: usage error exit code is unchanged ($en_rc)"
is "$rc" 2 "usage error exits 2"

# An unknown option, with the argument kept.
run_ru add company X --frob
like "$err" "^crm: ошибка: неизвестный параметр '--frob' команды 'crm add' \\(может быть, '--for'\\?\\)$" \
	"ru: unknown option names the option"
is "$rc" 2 "ru: unknown option exits 2"

# An unknown command.
run_en frob
en_rc=$rc
is "$err" "crm: error: 'frob' is not a crm command. See 'crm help'." \
	"C: unknown command is English"
run_ru frob
is "$err" "crm: ошибка: 'frob' не является командой crm. См. 'crm help'." \
	"ru: unknown command is Russian"
is "$rc" "$en_rc" "ru: unknown command exit code is unchanged"

# crm help: command names stay, summaries are Russian.
run_ru help
is "$rc" 0 "ru: help exits 0"
like "$out" "^использование: crm " "ru: help starts with the Russian usage"
like "$out" "^команды:$" "ru: help has the Russian commands heading"
like "$out" "^  add +добавить запись и вывести её идентификатор$" \
	"ru: help lists add with a Russian summary"
like "$out" "^  show +показать запись и всё, что с ней связано$" \
	"ru: help lists show with a Russian summary"
like "$out" "^  commit +проверить и закоммитить файлы, изменённые вручную$" \
	"ru: help lists commit with a Russian summary"
printf '%s\n' "$out" | grep -q 'add a record'
is "$?" 1 "ru: no English summaries left in help"
run_en help
like "$out" "^  add +add a record and print its id$" "C: help is English"

# crm help COMMAND.
run_ru help show
like "$out" "^использование: crm show ЗАПИСЬ \\[--timeline\\] \\[--type ТИП\\]$" "ru: help show usage"
like "$out" "Подробнее см. 'man crm-show'\.$" "ru: help show footer"

# Table headers.
run_ru list deal
is "$rc" 0 "ru: list deal exits 0"
like "$(printf '%s\n' "$out" | head -1)" \
	"^ID +ИМЯ +ЭТАП +СУММА +ВАЛЮТА +КОМПАНИЯ +ОТВЕТСТВЕННЫЙ$" \
	"ru: list deal has Russian column headers"
run_en list deal
like "$(printf '%s\n' "$out" | head -1)" \
	"^ID +NAME +STAGE +AMOUNT +CURRENCY +COMPANY +OWNER$" \
	"C: list deal has English column headers"

# Machine-readable output is not translated.
run_ru list deal --format json
en_out=$(LC_ALL=C.UTF-8 "$CRM" list deal --format json 2>/dev/null)
is "$out" "$en_out" "ru: JSON output is identical to C"

done_testing
