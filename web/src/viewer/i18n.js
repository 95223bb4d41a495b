// i18n.js: the archive viewer's words in English, Russian and Kazakh.

export const LANGS = ['en', 'ru', 'kk'];

export const T = {
	en: {
		title: 'Evidence archive',
		lead: 'Reports, photos, witness marks and when this node received them, as it held them. Everything below is checked in this browser, offline.',
		node: 'Made by node', made: 'Made', reports: 'Reports',
		marks: 'Witness marks', media: 'Media files', custody: 'Custody lines',
		span: 'Reports dated', sealed_for: 'Sealed for',
		checking: 'Checking signatures…', checked: 'Checked',
		all_ok: 'Every signature, id, the custody chain and the Merkle root check out against the signed manifest.',
		problems: 'Problems found', tampered: 'Changed after it was signed',
		why_id: 'its id does not match its content',
		why_sig: 'its signature does not verify',
		why_json: 'it is not a well-formed event',
		why_key: 'the manifest is signed by another key than the node it names',
		why_chain: 'the custody chain breaks after this line',
		why_head: 'the custody chain does not reach the head the manifest signs',
		why_root: 'the items do not add up to the Merkle root the manifest signs',
		why_hash: 'its bytes do not match their hash',
		truncated: 'This page holds only the first {n} events; check the whole archive with "samizdat archive verify".',
		received: 'Received by this node', via: 'via', from: 'from',
		no_custody: 'no custody line', place: 'Place', near: 'near',
		confirm: 'marks', media_missing: 'not in this archive',
		original: 'original', check_files: 'Check the media files',
		check_files_help: 'Choose this archive\'s folder (the one with index.html) to check every media file against its hash.',
		files_ok: 'media files match their hashes', files_bad: 'media files do not match their hashes',
		files_missing: 'media files are missing',
		timeline: 'Timeline', by: 'by', marks_on: 'Witness marks on this report',
		lang: 'Language', ok: 'checked',
	},
	ru: {
		title: 'Архив свидетельств',
		lead: 'Сообщения, фото, отметки свидетелей и время, когда этот узел их получил, — в том виде, в каком он их хранил. Всё ниже проверяется в этом браузере, без сети.',
		node: 'Создан узлом', made: 'Создан', reports: 'Сообщения',
		marks: 'Отметки свидетелей', media: 'Медиафайлы', custody: 'Строки журнала хранения',
		span: 'Даты сообщений', sealed_for: 'Зашифрован для',
		checking: 'Проверяем подписи…', checked: 'Проверено',
		all_ok: 'Все подписи, идентификаторы, цепочка журнала хранения и корень Меркла сходятся с подписанным манифестом.',
		problems: 'Найдены проблемы', tampered: 'Изменено после подписи',
		why_id: 'идентификатор не соответствует содержимому',
		why_sig: 'подпись не проходит проверку',
		why_json: 'это не правильно составленное событие',
		why_key: 'манифест подписан другим ключом, чем у узла, который в нём назван',
		why_chain: 'цепочка журнала хранения рвётся после этой строки',
		why_head: 'цепочка журнала хранения не приходит к вершине, подписанной в манифесте',
		why_root: 'элементы не сходятся с корнем Меркла, подписанным в манифесте',
		why_hash: 'байты не совпадают со своим хешем',
		truncated: 'На этой странице только первые {n} событий; весь архив проверяет «samizdat archive verify».',
		received: 'Получено этим узлом', via: 'путь', from: 'откуда',
		no_custody: 'нет строки журнала хранения', place: 'Место', near: 'около',
		confirm: 'отметки', media_missing: 'нет в этом архиве',
		original: 'оригинал', check_files: 'Проверить медиафайлы',
		check_files_help: 'Выберите папку этого архива (с файлом index.html), чтобы сверить каждый медиафайл с его хешем.',
		files_ok: 'медиафайлы совпадают со своими хешами', files_bad: 'медиафайлы не совпадают со своими хешами',
		files_missing: 'медиафайлов нет',
		timeline: 'Хронология', by: 'автор', marks_on: 'Отметки свидетелей к этому сообщению',
		lang: 'Язык', ok: 'проверено',
	},
	kk: {
		title: 'Айғақтар мұрағаты',
		lead: 'Хабарлар, фотолар, куәгерлер белгілері және бұл түйін оларды қашан алғаны — түйін сақтаған күйінде. Төмендегінің бәрі осы браузерде, желісіз тексеріледі.',
		node: 'Жасаған түйін', made: 'Жасалған', reports: 'Хабарлар',
		marks: 'Куәгерлер белгілері', media: 'Медиафайлдар', custody: 'Сақтау журналының жолдары',
		span: 'Хабарлардың күндері', sealed_for: 'Кім үшін шифрланған',
		checking: 'Қолтаңбалар тексерілуде…', checked: 'Тексерілді',
		all_ok: 'Барлық қолтаңба, идентификатор, сақтау журналының тізбегі және Меркл түбірі қол қойылған манифестпен сәйкес келеді.',
		problems: 'Ақаулар табылды', tampered: 'Қол қойылғаннан кейін өзгертілген',
		why_id: 'идентификаторы мазмұнына сәйкес емес',
		why_sig: 'қолтаңбасы тексеруден өтпейді',
		why_json: 'бұл дұрыс құрылған оқиға емес',
		why_key: 'манифестке онда аталған түйіннің емес, басқа кілтпен қол қойылған',
		why_chain: 'сақтау журналының тізбегі осы жолдан кейін үзіледі',
		why_head: 'сақтау журналының тізбегі манифесте қол қойылған ұшқа жетпейді',
		why_root: 'элементтер манифесте қол қойылған Меркл түбіріне сәйкес келмейді',
		why_hash: 'байттары өз хешіне сәйкес емес',
		truncated: 'Бұл бетте алғашқы {n} оқиға ғана бар; бүкіл мұрағатты «samizdat archive verify» тексереді.',
		received: 'Бұл түйін алған уақыт', via: 'жол', from: 'қайдан',
		no_custody: 'сақтау журналында жол жоқ', place: 'Орны', near: 'маңында',
		confirm: 'белгілер', media_missing: 'бұл мұрағатта жоқ',
		original: 'түпнұсқа', check_files: 'Медиафайлдарды тексеру',
		check_files_help: 'Әр медиафайлды өз хешімен салыстыру үшін осы мұрағаттың қалтасын (index.html бар қалтаны) таңдаңыз.',
		files_ok: 'медиафайл өз хешіне сәйкес', files_bad: 'медиафайл өз хешіне сәйкес емес',
		files_missing: 'медиафайл жоқ',
		timeline: 'Хронология', by: 'авторы', marks_on: 'Осы хабарға қойылған куәгерлер белгілері',
		lang: 'Тіл', ok: 'тексерілді',
	},
};

export function pickLang() {
	const q = new URLSearchParams(location.search).get('lang');
	if (LANGS.includes(q))
		return q;
	for (const l of navigator.languages ?? [navigator.language ?? 'en']) {
		const s = String(l).slice(0, 2);
		if (LANGS.includes(s))
			return s;
	}
	return 'en';
}
