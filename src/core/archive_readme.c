/*
 * archive_readme.c: README.txt of an evidence archive (archive.h), plain
 * text in English, Russian and Kazakh, for whoever finds the stick: what
 * it holds, why it can be trusted without trusting us, and how to check
 * it with samizdat, with the viewer, or with tools of their own.  Pure.
 */
#include <string.h>

#include "archive.h"
#include "bech32.h"

static const char EN[] =
"EVIDENCE ARCHIVE (samizdat)\n"
"===========================\n"
"\n"
"This folder is an evidence archive written by a samizdat node: the\n"
"reports, photos and witness marks it held, exactly as it held them,\n"
"and its custody log: when the node first received each item (by its\n"
"own clock) and from where (a phone, another node, a USB stick, a\n"
"relay).\n"
"\n"
"Why it can be trusted without trusting the node:\n"
"- every report is signed by its author's key (Nostr, BIP-340); the\n"
"  signature covers every byte, so a changed report does not verify;\n"
"- every photo or video is named by the SHA-256 of its bytes;\n"
"- the custody log is a hash chain: each line holds the hash of the\n"
"  log before it, so no line can be changed, removed or added unseen;\n"
"- manifest.json lists every file with its SHA-256 and a Merkle root\n"
"  over every item, and is signed by the node's key (%NODE%);\n"
"- once a day the node signs a custody root (a Nostr event of kind\n"
"  4921: the day, how many log lines, the chain hash through them) that\n"
"  travels to other nodes and relays; a root kept anywhere else shows\n"
"  that the log up to that line existed that day and was not rewritten\n"
"  later (samizdat archive verify --roots FILE checks it).\n"
"\n"
"How to check it:\n"
"- with samizdat:   samizdat archive verify THIS-FOLDER\n"
"  (add --node %NODE% to insist on this node's key);\n"
"  it names each file, line and item that does not check out;\n"
"- in a browser: open index.html; it works with no network and checks\n"
"  every signature, the custody chain and the Merkle root itself;\n"
"- by hand: docs/archive.md of samizdat describes every format, so an\n"
"  independent program can check it all (sha256sum checks the files\n"
"  against manifest.json).\n"
"\n"
"Keep an untouched copy apart from the copy you work on.\n"
"\n";

static const char RU[] =
"АРХИВ СВИДЕТЕЛЬСТВ (samizdat)\n"
"=============================\n"
"\n"
"Эта папка — архив свидетельств, записанный узлом samizdat: сообщения,\n"
"фото и отметки свидетелей, которые он хранил, ровно в том виде, в\n"
"каком хранил, и его журнал хранения: когда узел впервые получил\n"
"каждый элемент (по своим часам) и откуда (телефон, другой узел,\n"
"USB-флешка, ретранслятор).\n"
"\n"
"Почему ему можно доверять, не доверяя узлу:\n"
"- каждое сообщение подписано ключом автора (Nostr, BIP-340); подпись\n"
"  покрывает каждый байт, изменённое сообщение не проходит проверку;\n"
"- каждое фото и видео названо хешем SHA-256 своих байтов;\n"
"- журнал хранения — цепочка хешей: каждая строка содержит хеш журнала\n"
"  до неё, поэтому строку нельзя незаметно изменить, удалить или\n"
"  добавить;\n"
"- manifest.json перечисляет все файлы с их SHA-256 и корень Меркла по\n"
"  всем элементам и подписан ключом узла (%NODE%);\n"
"- раз в день узел подписывает корень журнала (событие Nostr вида\n"
"  4921: дата, число строк журнала, хеш цепочки по ним), который\n"
"  расходится по другим узлам и ретрансляторам; корень, сохранённый\n"
"  где-то ещё, показывает, что журнал до этой строки существовал в тот\n"
"  день и не был переписан позже (проверка: samizdat archive verify\n"
"  --roots ФАЙЛ).\n"
"\n"
"Как проверить:\n"
"- программой samizdat:   samizdat archive verify ЭТА-ПАПКА\n"
"  (с --node %NODE% требует именно ключ этого узла);\n"
"  она называет каждый файл, строку и элемент, которые не сходятся;\n"
"- в браузере: откройте index.html; он работает без сети и сам\n"
"  проверяет все подписи, цепочку журнала и корень Меркла;\n"
"- вручную: docs/archive.md в samizdat описывает все форматы, так что\n"
"  независимая программа может проверить всё (sha256sum сверяет файлы\n"
"  с manifest.json).\n"
"\n"
"Храните нетронутую копию отдельно от рабочей.\n"
"\n";

static const char KK[] =
"ДӘЛЕЛДЕР МҰРАҒАТЫ (samizdat)\n"
"============================\n"
"\n"
"Бұл қалта — samizdat түйіні жазған дәлелдер мұрағаты: ол сақтаған\n"
"хабарламалар, фотолар және куәгерлердің белгілері, дәл сол күйінде,\n"
"және оның сақтау журналы: түйін әр элементті алғаш қашан (өз сағаты\n"
"бойынша) және қайдан (телефон, басқа түйін, USB жинақтауыш, релей)\n"
"алғаны.\n"
"\n"
"Түйінге сенбей-ақ неге сенуге болады:\n"
"- әр хабарламаға авторының кілтімен қол қойылған (Nostr, BIP-340);\n"
"  қолтаңба әр байтты қамтиды, өзгертілген хабарлама тексеруден өтпейді;\n"
"- әр фото мен бейне өз байттарының SHA-256 хешімен аталған;\n"
"- сақтау журналы — хештер тізбегі: әр жолда алдындағы журналдың хеші\n"
"  бар, сондықтан жолды білдірмей өзгерту, жою немесе қосу мүмкін емес;\n"
"- manifest.json әр файлды SHA-256 хешімен және барлық элементтердің\n"
"  Меркл түбірін тізеді, оған түйіннің кілтімен қол қойылған (%NODE%);\n"
"- түйін күніне бір рет сақтау түбіріне қол қояды (4921 түріндегі\n"
"  Nostr оқиғасы: күн, журнал жолдарының саны, олар бойынша тізбек\n"
"  хеші), ол басқа түйіндер мен релейлерге тарайды; басқа жерде\n"
"  сақталған түбір журналдың сол жолға дейін сол күні болғанын және\n"
"  кейін қайта жазылмағанын көрсетеді (тексеру: samizdat archive\n"
"  verify --roots ФАЙЛ).\n"
"\n"
"Қалай тексеруге болады:\n"
"- samizdat бағдарламасымен:   samizdat archive verify ОСЫ-ҚАЛТА\n"
"  (--node %NODE% осы түйіннің кілтін талап етеді);\n"
"  ол сәйкес келмейтін әр файлды, жолды және элементті атайды;\n"
"- браузерде: index.html ашыңыз; ол желісіз жұмыс істейді және барлық\n"
"  қолтаңбаны, журнал тізбегін және Меркл түбірін өзі тексереді;\n"
"- қолмен: samizdat ішіндегі docs/archive.md барлық пішімді сипаттайды,\n"
"  сондықтан тәуелсіз бағдарлама бәрін тексере алады (sha256sum\n"
"  файлдарды manifest.json-мен салыстырады).\n"
"\n"
"Қозғалмаған көшірмені жұмыс көшірмесінен бөлек сақтаңыз.\n"
"\n";

/* Appends text with %NODE% as the npub. */
static void
fill(struct buf *b, const char *t, const char *npub)
{
	const char *p;

	while ((p = strstr(t, "%NODE%")) != NULL) {
		buf_append(b, t, (size_t)(p - t));
		buf_puts(b, npub);
		t = p + 6;
	}
	buf_puts(b, t);
}

void
archive_readme(const struct manifest *m, struct buf *b)
{
	char	 npub[100];

	nip19_npub(m->node, npub, sizeof(npub));
	fill(b, EN, npub);
	buf_printf(b, "This archive: %llu events, %llu custody lines (%llu "
	    "more as digests only), %llu media files held, %llu named but "
	    "not held%s.\n\n", (unsigned long long)m->events,
	    (unsigned long long)m->custody, (unsigned long long)m->stubs,
	    (unsigned long long)m->media_held,
	    (unsigned long long)m->media_missing, m->sealed ?
	    "; sealed for one investigator, originals included" :
	    "; public copies only, no originals");
	fill(b, RU, npub);
	buf_printf(b, "Этот архив: событий %llu, строк журнала %llu (ещё %llu "
	    "только хешами), медиафайлов %llu, названы, но не включены: "
	    "%llu.\n\n", (unsigned long long)m->events,
	    (unsigned long long)m->custody, (unsigned long long)m->stubs,
	    (unsigned long long)m->media_held,
	    (unsigned long long)m->media_missing);
	fill(b, KK, npub);
	buf_printf(b, "Бұл мұрағат: оқиғалар %llu, журнал жолдары %llu (тағы "
	    "%llu тек хешпен), медиафайлдар %llu, аталған, бірақ жоқ: "
	    "%llu.\n", (unsigned long long)m->events,
	    (unsigned long long)m->custody, (unsigned long long)m->stubs,
	    (unsigned long long)m->media_held,
	    (unsigned long long)m->media_missing);
}
