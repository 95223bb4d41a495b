// i18n.js: every string the page shows, in English, Russian and Kazakh
// (Cyrillic), and the choice of language: the one the person picked
// (remembered), else the first of navigator.languages the page has, else
// English.  Strings may hold {name} slots; a string that counts things is
// an object of CLDR plural forms (one, few, many, other), all four in every
// language so the tables keep the same shape (the unit test checks that
// every language has exactly the same keys and forms).  Pure.

export const LANGS = ['en', 'ru', 'kk'];

const P = (one, other, few = other, many = other) => ({ one, few, many,
    other });

export const STRINGS = {
en: {
	title: 'samizdat: reports',
	skip: 'Skip to reports',
	language: 'Language',
	my_key: 'My key',
	feed_title: 'Reports',
	filter_tag: 'Hashtag',
	filter_tag_ph: 'e.g. roads',
	filter_place: 'Place (geohash)',
	filter_place_ph: 'e.g. v9zw',
	filter_apply: 'Show',
	filter_clear: 'All reports',
	back: '← All reports',
	report_title: 'Report',
	replies: 'Replies',
	me_title: 'My key',
	write: 'Write a report',
	write_reply: 'Write a reply',
	compose_label: 'What did you see?',
	compose_reply_label: 'Your reply',
	compose_ph: 'What, where, when. Stick to what you saw yourself.',
	compose_hint: 'Words starting with # become hashtags others can ' +
	    'filter by. Do not name people who could be put in danger.',
	place_label: 'Place (optional)',
	use_location: 'Use my location',
	geo_warning: 'Your position, rounded to about 1 km, will be ' +
	    'published with this report and anyone can see it. Share it only ' +
	    'if that is safe for you.',
	geo_yes: 'Share my location',
	cancel: 'Cancel',
	send: 'Sign and send',
	just_now: 'just now',
	conn_open: 'connected',
	conn_waiting: 'offline, retrying in {s} s',
	conn_connecting: 'connecting…',
	place_filter_hint: 'Show reports from this area ({g})',
	you: 'you',
	in_reply: '↪ in reply to a report',
	read_more: 'Read more',
	open_replies: 'Open and reply',
	st_signed: 'signed',
	st_sending: 'sending to this node',
	st_queued: 'waiting for the connection',
	st_stored: 'stored on this node',
	st_refused: 'refused by this node',
	node_said: 'The node said: "{r}"',
	edit_again: 'Edit and try again',
	st_peers: P('seen by {n} other node', 'seen by {n} other nodes'),
	st_no_peers: 'not passed to other nodes yet',
	st_relays: P('accepted by {n} relay', 'accepted by {n} relays'),
	st_relays_refused: P('refused by {n} relay', 'refused by {n} relays'),
	posting_as: 'Posting as',
	asking_extension: 'Asking your Nostr extension for your key…',
	no_key_yet: 'You have no key on this phone yet.',
	create_key: 'Create my key',
	err_place: 'A place is a geohash: up to 12 characters from 0-9 and ' +
	    'b-z, without a, i, l, o.',
	place_is: 'About {lat}, {lon} (± {km} km)',
	place_help: 'A geohash: each extra character narrows the area. Leave ' +
	    'it empty to post without a place.',
	err_empty: 'Write something first.',
	err_no_parent: 'The report has not loaded yet; wait a moment.',
	err_sign: 'Could not sign the report.',
	geo_insecure: 'The phone does not give its location to a page opened ' +
	    'over plain http. Type a place code instead.',
	geo_wait: 'Finding your position…',
	geo_done: 'Place set to {g} (about 1 km).',
	clock_off_min: P('This phone\u2019s clock is {n} minute off the node\u2019s; ' +
	    'reports are dated by the node.', 'This phone\u2019s clock is {n} ' +
	    'minutes off the node\u2019s; reports are dated by the node.'),
	clock_off_h: P('This phone\u2019s clock is {n} hour off the node\u2019s; ' +
	    'reports are dated by the node.', 'This phone\u2019s clock is {n} ' +
	    'hours off the node\u2019s; reports are dated by the node.'),
	geo_denied: 'Location permission was refused.',
	geo_failed: 'Could not get your position. Type a place code instead.',
	showing_filtered: 'Showing reports with',
	place_word: 'place',
	list_closed: 'The node stopped sending this list.',
	loading: 'Loading…',
	no_reports: 'No reports yet.',
	live_count: P('{n} report; new ones appear by themselves.',
	    '{n} reports; new ones appear by themselves.'),
	no_replies: 'No replies yet.',
	not_found: 'This report is not on this node (yet).',
	key_local: 'Your key was made on this phone and is kept only here. ' +
	    'Your reports are signed with it.',
	key_extension: 'Your Nostr extension holds your key and signs your ' +
	    'reports.',
	your_npub: 'Your public key (npub), safe to share',
	copy: 'Copy',
	copied: 'Copied',
	copy_failed: 'Select it and copy by hand',
	qr_label: 'QR code of your public key',
	npub_help: 'Others can scan this to recognise your reports.',
	no_key_intro: 'To post, you need a key. It is made here, stays on ' +
	    'this phone and signs your reports, so others can tell they are ' +
	    'yours and unchanged. No name, phone number or email is needed.',
	backup_title: 'Back up your key',
	backup_help: 'If this phone is lost or the browser data is cleared, ' +
	    'your key is gone. Make an encrypted backup with a passphrase and ' +
	    'keep it somewhere else (a note, another phone).',
	passphrase: 'Passphrase (at least 8 characters)',
	passphrase_again: 'Passphrase again',
	backup_make: 'Make encrypted backup',
	working: 'Working…',
	backup_result: 'Encrypted backup (ncryptsec)',
	backup_keep: 'Keep this text and remember the passphrase: you need ' +
	    'both to restore the key.',
	err_pass_short: 'The passphrase must have at least 8 characters.',
	err_pass_mismatch: 'The two passphrases differ.',
	err_pass_empty: 'Enter the passphrase.',
	err_pass_wrong: 'Wrong passphrase, or the backup is damaged.',
	err_key_format: 'This is not a key: paste an ncryptsec1… or nsec1… ' +
	    'text.',
	err_extension: 'Your Nostr extension did not give a valid key or ' +
	    'signature.',
	nsec_title: 'Secret key (nsec)',
	nsec_show: 'Show secret key',
	nsec_warning: 'Anyone who sees this key can post as you, for ever. ' +
	    'Make sure nobody is watching your screen and nothing records it.',
	nsec_yes: 'I understand, show it',
	nsec_label: 'Your secret key (nsec)',
	hide: 'Hide',
	restore_title: 'Restore a key',
	restore_help: 'Paste an encrypted backup (ncryptsec1…) and its ' +
	    'passphrase, or a secret key (nsec1…).',
	restore_replaces: 'This replaces the key now on this phone. Back it ' +
	    'up first if you still need it.',
	restore_key: 'Backup or secret key',
	restore_pass: 'Passphrase (for ncryptsec)',
	restore_go: 'Restore',
	forget_title: 'Remove the key from this phone',
	forget_help: 'For a shared or risky phone. Without a backup the key ' +
	    'is lost for good.',
	forget: 'Remove my key',
	forget_warning: 'Remove the key now? Your reports stay, but without ' +
	    'a backup you can never post with this key again.',
	forget_yes: 'Yes, remove it',
	err_tag: 'A hashtag has only letters, digits and _.',
	reason_invalid: 'The node found something wrong with the report (for ' +
	    'example too long, too many tags, or a wrong time) and did not ' +
	    'keep it.',
	reason_duplicate: 'The node already has this report.',
	reason_blocked: 'The node does not accept reports from this key.',
	reason_rate_limited: 'Too many reports in a short time. Wait a ' +
	    'minute and try again.',
	reason_pow: 'The node asks for extra proof of work, which this page ' +
	    'cannot do.',
	reason_restricted: 'The node accepts reports only from certain people.',
	reason_auth_required: 'The node wants you to log in first, which ' +
	    'this page cannot do.',
	reason_error: 'The node had a problem of its own. Try again later.',
	reason_unknown: 'The node refused it without a reason this page ' +
	    'knows.',
},
ru: {
	title: 'samizdat: сообщения',
	skip: 'К сообщениям',
	language: 'Язык',
	my_key: 'Мой ключ',
	feed_title: 'Сообщения',
	filter_tag: 'Хештег',
	filter_tag_ph: 'напр. дороги',
	filter_place: 'Место (геохеш)',
	filter_place_ph: 'напр. v9zw',
	filter_apply: 'Показать',
	filter_clear: 'Все сообщения',
	back: '← Все сообщения',
	report_title: 'Сообщение',
	replies: 'Ответы',
	me_title: 'Мой ключ',
	write: 'Написать сообщение',
	write_reply: 'Написать ответ',
	compose_label: 'Что вы видели?',
	compose_reply_label: 'Ваш ответ',
	compose_ph: 'Что, где, когда. Пишите о том, что видели сами.',
	compose_hint: 'Слова с # становятся хештегами, по ним другие смогут ' +
	    'искать. Не называйте людей, которым это может навредить.',
	place_label: 'Место (необязательно)',
	use_location: 'Моё местоположение',
	geo_warning: 'Ваше местоположение с точностью около 1 км будет ' +
	    'опубликовано вместе с сообщением, и его увидит любой. ' +
	    'Делитесь им, только если это для вас безопасно.',
	geo_yes: 'Поделиться местоположением',
	cancel: 'Отмена',
	send: 'Подписать и отправить',
	just_now: 'только что',
	conn_open: 'на связи',
	conn_waiting: 'нет связи, повтор через {s} с',
	conn_connecting: 'подключение…',
	place_filter_hint: 'Показать сообщения из этого района ({g})',
	you: 'вы',
	in_reply: '↪ ответ на сообщение',
	read_more: 'Читать дальше',
	open_replies: 'Открыть и ответить',
	st_signed: 'подписано',
	st_sending: 'отправляется на этот узел',
	st_queued: 'ждёт подключения',
	st_stored: 'сохранено на этом узле',
	st_refused: 'этот узел не принял',
	node_said: 'Ответ узла: «{r}»',
	edit_again: 'Исправить и отправить снова',
	st_peers: P('есть ещё на {n} узле', 'есть ещё на {n} узлах'),
	st_no_peers: 'другим узлам пока не передано',
	st_relays: P('принято {n} релеем', 'принято {n} релеями'),
	st_relays_refused: P('отклонено {n} релеем', 'отклонено {n} релеями'),
	posting_as: 'Вы пишете как',
	asking_extension: 'Запрашиваем ключ у вашего расширения Nostr…',
	no_key_yet: 'На этом телефоне пока нет вашего ключа.',
	create_key: 'Создать ключ',
	err_place: 'Место задаётся геохешем: до 12 символов из 0–9 и b–z, ' +
	    'кроме a, i, l, o.',
	place_is: 'Примерно {lat}, {lon} (± {km} км)',
	place_help: 'Геохеш: каждый следующий символ сужает район. Оставьте ' +
	    'пустым, чтобы не указывать место.',
	err_empty: 'Сначала напишите текст.',
	err_no_parent: 'Сообщение ещё не загрузилось, подождите немного.',
	err_sign: 'Не удалось подписать сообщение.',
	geo_insecure: 'Телефон не сообщает местоположение странице, ' +
	    'открытой по обычному http. Введите код места вручную.',
	geo_wait: 'Определяем местоположение…',
	geo_done: 'Место: {g} (около 1 км).',
	clock_off_min: P('Часы телефона расходятся с часами узла на {n} ' +
	    'минуту; время сообщений ставит узел.', 'Часы телефона расходятся ' +
	    'с часами узла на {n} минуты; время сообщений ставит узел.',
	    'Часы телефона расходятся с часами узла на {n} минуты; время ' +
	    'сообщений ставит узел.', 'Часы телефона расходятся с часами узла ' +
	    'на {n} минут; время сообщений ставит узел.'),
	clock_off_h: P('Часы телефона расходятся с часами узла на {n} час; ' +
	    'время сообщений ставит узел.', 'Часы телефона расходятся с ' +
	    'часами узла на {n} часа; время сообщений ставит узел.',
	    'Часы телефона расходятся с часами узла на {n} часа; время ' +
	    'сообщений ставит узел.', 'Часы телефона расходятся с часами узла ' +
	    'на {n} часов; время сообщений ставит узел.'),
	geo_denied: 'Доступ к местоположению запрещён.',
	geo_failed: 'Не удалось определить местоположение. Введите код ' +
	    'места вручную.',
	showing_filtered: 'Показаны сообщения:',
	place_word: 'место',
	list_closed: 'Узел перестал присылать этот список.',
	loading: 'Загрузка…',
	no_reports: 'Сообщений пока нет.',
	live_count: P('{n} сообщение; новые появляются сами.',
	    '{n} сообщения; новые появляются сами.',
	    '{n} сообщения; новые появляются сами.',
	    '{n} сообщений; новые появляются сами.'),
	no_replies: 'Ответов пока нет.',
	not_found: 'Этого сообщения на узле нет (пока).',
	key_local: 'Ваш ключ создан на этом телефоне и хранится только ' +
	    'здесь. Им подписываются ваши сообщения.',
	key_extension: 'Ваш ключ хранится в расширении Nostr, оно и ' +
	    'подписывает ваши сообщения.',
	your_npub: 'Ваш открытый ключ (npub), его можно показывать',
	copy: 'Копировать',
	copied: 'Скопировано',
	copy_failed: 'Выделите и скопируйте вручную',
	qr_label: 'QR-код вашего открытого ключа',
	npub_help: 'Другие могут отсканировать его, чтобы узнавать ваши ' +
	    'сообщения.',
	no_key_intro: 'Чтобы писать, нужен ключ. Он создаётся здесь, ' +
	    'остаётся на этом телефоне и подписывает ваши сообщения, чтобы ' +
	    'другие видели, что они ваши и не изменены. Имя, телефон и почта ' +
	    'не нужны.',
	backup_title: 'Резервная копия ключа',
	backup_help: 'Если телефон потеряется или данные браузера сотрутся, ' +
	    'ключ пропадёт. Сделайте зашифрованную копию с паролем и храните ' +
	    'её в другом месте (в заметке, на другом телефоне).',
	passphrase: 'Пароль (не меньше 8 символов)',
	passphrase_again: 'Пароль ещё раз',
	backup_make: 'Сделать зашифрованную копию',
	working: 'Подождите…',
	backup_result: 'Зашифрованная копия (ncryptsec)',
	backup_keep: 'Сохраните этот текст и запомните пароль: для ' +
	    'восстановления нужно и то и другое.',
	err_pass_short: 'Пароль должен быть не короче 8 символов.',
	err_pass_mismatch: 'Пароли не совпадают.',
	err_pass_empty: 'Введите пароль.',
	err_pass_wrong: 'Неверный пароль, или копия повреждена.',
	err_key_format: 'Это не ключ: вставьте текст ncryptsec1… или nsec1…',
	err_extension: 'Расширение Nostr не дало правильный ключ или подпись.',
	nsec_title: 'Секретный ключ (nsec)',
	nsec_show: 'Показать секретный ключ',
	nsec_warning: 'Любой, кто увидит этот ключ, сможет навсегда писать ' +
	    'от вашего имени. Убедитесь, что никто не смотрит на экран и ' +
	    'ничто его не записывает.',
	nsec_yes: 'Понимаю, показать',
	nsec_label: 'Ваш секретный ключ (nsec)',
	hide: 'Скрыть',
	restore_title: 'Восстановить ключ',
	restore_help: 'Вставьте зашифрованную копию (ncryptsec1…) и её ' +
	    'пароль или секретный ключ (nsec1…).',
	restore_replaces: 'Это заменит ключ, который сейчас на телефоне. ' +
	    'Если он ещё нужен, сначала сделайте его копию.',
	restore_key: 'Копия или секретный ключ',
	restore_pass: 'Пароль (для ncryptsec)',
	restore_go: 'Восстановить',
	forget_title: 'Удалить ключ с телефона',
	forget_help: 'Для чужого или рискованного телефона. Без резервной ' +
	    'копии ключ пропадёт навсегда.',
	forget: 'Удалить мой ключ',
	forget_warning: 'Удалить ключ сейчас? Ваши сообщения останутся, но ' +
	    'без копии вы больше никогда не сможете писать с этим ключом.',
	forget_yes: 'Да, удалить',
	err_tag: 'В хештеге могут быть только буквы, цифры и _.',
	reason_invalid: 'Узел нашёл в сообщении ошибку (например, оно ' +
	    'слишком длинное, в нём слишком много тегов или неверное время) ' +
	    'и не сохранил его.',
	reason_duplicate: 'Это сообщение на узле уже есть.',
	reason_blocked: 'Узел не принимает сообщения от этого ключа.',
	reason_rate_limited: 'Слишком много сообщений за короткое время. ' +
	    'Подождите минуту и попробуйте снова.',
	reason_pow: 'Узел требует дополнительное доказательство работы ' +
	    '(PoW), а эта страница его не делает.',
	reason_restricted: 'Узел принимает сообщения только от определённых ' +
	    'людей.',
	reason_auth_required: 'Узел требует сначала войти, а эта страница ' +
	    'этого не умеет.',
	reason_error: 'У узла внутренняя ошибка. Попробуйте позже.',
	reason_unknown: 'Узел отказал, не назвав понятной причины.',
},
kk: {
	title: 'samizdat: хабарламалар',
	skip: 'Хабарламаларға өту',
	language: 'Тіл',
	my_key: 'Менің кілтім',
	feed_title: 'Хабарламалар',
	filter_tag: 'Хештег',
	filter_tag_ph: 'мыс. жолдар',
	filter_place: 'Орын (геохеш)',
	filter_place_ph: 'мыс. v9zw',
	filter_apply: 'Көрсету',
	filter_clear: 'Барлық хабарламалар',
	back: '← Барлық хабарламалар',
	report_title: 'Хабарлама',
	replies: 'Жауаптар',
	me_title: 'Менің кілтім',
	write: 'Хабарлама жазу',
	write_reply: 'Жауап жазу',
	compose_label: 'Не көрдіңіз?',
	compose_reply_label: 'Сіздің жауабыңыз',
	compose_ph: 'Не, қайда, қашан. Өз көзіңізбен көргеніңізді жазыңыз.',
	compose_hint: '# белгісімен басталатын сөздер хештегке айналады, ' +
	    'басқалар солар арқылы іздей алады. Қауіп төнуі мүмкін адамдардың ' +
	    'атын атамаңыз.',
	place_label: 'Орын (міндетті емес)',
	use_location: 'Менің орным',
	geo_warning: 'Сіздің орныңыз шамамен 1 км дәлдікпен осы ' +
	    'хабарламамен бірге жарияланады және оны кез келген адам көре ' +
	    'алады. Бұл сіз үшін қауіпсіз болса ғана бөлісіңіз.',
	geo_yes: 'Орнымды бөлісу',
	cancel: 'Бас тарту',
	send: 'Қол қойып, жіберу',
	just_now: 'жаңа ғана',
	conn_open: 'байланыс бар',
	conn_waiting: 'байланыс жоқ, {s} секундтан кейін қайталанады',
	conn_connecting: 'қосылуда…',
	place_filter_hint: 'Осы аймақтағы хабарламаларды көрсету ({g})',
	you: 'сіз',
	in_reply: '↪ хабарламаға жауап',
	read_more: 'Толығырақ',
	open_replies: 'Ашу және жауап беру',
	st_signed: 'қол қойылды',
	st_sending: 'осы түйінге жіберілуде',
	st_queued: 'байланысты күтуде',
	st_stored: 'осы түйінде сақталды',
	st_refused: 'осы түйін қабылдамады',
	node_said: 'Түйін жауабы: «{r}»',
	edit_again: 'Түзетіп, қайта жіберу',
	st_peers: P('тағы {n} түйінде бар', 'тағы {n} түйінде бар'),
	st_no_peers: 'басқа түйіндерге әзірге берілген жоқ',
	st_relays: P('{n} релей қабылдады', '{n} релей қабылдады'),
	st_relays_refused: P('{n} релей қабылдамады', '{n} релей ' +
	    'қабылдамады'),
	posting_as: 'Жариялаушы:',
	asking_extension: 'Nostr кеңейтпесінен кілтіңіз сұралуда…',
	no_key_yet: 'Бұл телефонда әзірге сіздің кілтіңіз жоқ.',
	create_key: 'Кілт жасау',
	err_place: 'Орын геохешпен беріледі: 0–9 және b–z таңбаларынан ' +
	    '(a, i, l, o-дан басқа) 12 таңбаға дейін.',
	place_is: 'Шамамен {lat}, {lon} (± {km} км)',
	place_help: 'Геохеш: әр келесі таңба аймақты тарылтады. Орынды ' +
	    'көрсетпеу үшін бос қалдырыңыз.',
	err_empty: 'Алдымен мәтін жазыңыз.',
	err_no_parent: 'Хабарлама әлі жүктелген жоқ, сәл күтіңіз.',
	err_sign: 'Хабарламаға қол қою мүмкін болмады.',
	geo_insecure: 'Телефон қарапайым http арқылы ашылған бетке өз орнын ' +
	    'бермейді. Орын кодын қолмен енгізіңіз.',
	geo_wait: 'Орныңыз анықталуда…',
	geo_done: 'Орын: {g} (шамамен 1 км).',
	clock_off_min: P('Телефон сағаты түйін сағатынан {n} минутқа ' +
	    'ауытқыған; хабарлама уақытын түйін қояды.', 'Телефон сағаты ' +
	    'түйін сағатынан {n} минутқа ауытқыған; хабарлама уақытын түйін ' +
	    'қояды.'),
	clock_off_h: P('Телефон сағаты түйін сағатынан {n} сағатқа ' +
	    'ауытқыған; хабарлама уақытын түйін қояды.', 'Телефон сағаты ' +
	    'түйін сағатынан {n} сағатқа ауытқыған; хабарлама уақытын түйін ' +
	    'қояды.'),
	geo_denied: 'Орынды анықтауға рұқсат берілмеді.',
	geo_failed: 'Орныңызды анықтау мүмкін болмады. Орын кодын қолмен ' +
	    'енгізіңіз.',
	showing_filtered: 'Сүзгі:',
	place_word: 'орын',
	list_closed: 'Түйін бұл тізімді жіберуді тоқтатты.',
	loading: 'Жүктелуде…',
	no_reports: 'Әзірге хабарлама жоқ.',
	live_count: P('{n} хабарлама; жаңалары өздігінен шығады.',
	    '{n} хабарлама; жаңалары өздігінен шығады.'),
	no_replies: 'Әзірге жауап жоқ.',
	not_found: 'Бұл хабарлама осы түйінде (әзірге) жоқ.',
	key_local: 'Кілтіңіз осы телефонда жасалды және тек осында ' +
	    'сақталады. Хабарламаларыңызға сонымен қол қойылады.',
	key_extension: 'Кілтіңіз Nostr кеңейтпесінде сақталады, ' +
	    'хабарламаларыңызға да сол қол қояды.',
	your_npub: 'Ашық кілтіңіз (npub), оны басқаларға көрсетуге болады',
	copy: 'Көшіру',
	copied: 'Көшірілді',
	copy_failed: 'Белгілеп, қолмен көшіріңіз',
	qr_label: 'Ашық кілтіңіздің QR-коды',
	npub_help: 'Басқалар оны сканерлеп, хабарламаларыңызды тани алады.',
	no_key_intro: 'Жариялау үшін кілт керек. Ол осында жасалады, осы ' +
	    'телефонда қалады және хабарламаларыңызға қол қояды, сонда ' +
	    'басқалар олардың сіздікі екенін және өзгертілмегенін біледі. ' +
	    'Аты-жөн, телефон нөмірі немесе пошта керек емес.',
	backup_title: 'Кілттің сақтық көшірмесі',
	backup_help: 'Телефон жоғалса немесе браузер деректері өшірілсе, ' +
	    'кілт жойылады. Құпия сөзбен шифрланған көшірме жасап, оны басқа ' +
	    'жерде сақтаңыз (жазбада, басқа телефонда).',
	passphrase: 'Құпия сөз (кемінде 8 таңба)',
	passphrase_again: 'Құпия сөзді қайталаңыз',
	backup_make: 'Шифрланған көшірме жасау',
	working: 'Күте тұрыңыз…',
	backup_result: 'Шифрланған көшірме (ncryptsec)',
	backup_keep: 'Осы мәтінді сақтап, құпия сөзді есте ұстаңыз: кілтті ' +
	    'қалпына келтіру үшін екеуі де керек.',
	err_pass_short: 'Құпия сөз кемінде 8 таңбадан тұруы керек.',
	err_pass_mismatch: 'Құпия сөздер сәйкес келмейді.',
	err_pass_empty: 'Құпия сөзді енгізіңіз.',
	err_pass_wrong: 'Құпия сөз қате немесе көшірме бүлінген.',
	err_key_format: 'Бұл кілт емес: ncryptsec1… немесе nsec1… мәтінін ' +
	    'қойыңыз.',
	err_extension: 'Nostr кеңейтпесі дұрыс кілт немесе қолтаңба бермеді.',
	nsec_title: 'Құпия кілт (nsec)',
	nsec_show: 'Құпия кілтті көрсету',
	nsec_warning: 'Бұл кілтті көрген кез келген адам сіздің атыңыздан ' +
	    'мәңгі жариялай алады. Экранға ешкім қарап тұрмағанына және ' +
	    'ештеңе жазып алмайтынына көз жеткізіңіз.',
	nsec_yes: 'Түсінемін, көрсету',
	nsec_label: 'Құпия кілтіңіз (nsec)',
	hide: 'Жасыру',
	restore_title: 'Кілтті қалпына келтіру',
	restore_help: 'Шифрланған көшірмені (ncryptsec1…) және оның құпия ' +
	    'сөзін немесе құпия кілтті (nsec1…) қойыңыз.',
	restore_replaces: 'Бұл телефондағы қазіргі кілтті ауыстырады. Ол ' +
	    'әлі керек болса, алдымен оның көшірмесін жасаңыз.',
	restore_key: 'Көшірме немесе құпия кілт',
	restore_pass: 'Құпия сөз (ncryptsec үшін)',
	restore_go: 'Қалпына келтіру',
	forget_title: 'Кілтті телефоннан өшіру',
	forget_help: 'Бөгде немесе қауіпті телефон үшін. Сақтық көшірмесіз ' +
	    'кілт біржола жойылады.',
	forget: 'Кілтімді өшіру',
	forget_warning: 'Кілтті қазір өшіресіз бе? Хабарламаларыңыз қалады, ' +
	    'бірақ көшірмесіз бұл кілтпен енді ешқашан жаза алмайсыз.',
	forget_yes: 'Иә, өшіру',
	err_tag: 'Хештегте тек әріптер, сандар және _ болады.',
	reason_invalid: 'Түйін хабарламадан қате тапты (мысалы, тым ұзын, ' +
	    'тегтері тым көп немесе уақыты дұрыс емес) және оны сақтамады.',
	reason_duplicate: 'Бұл хабарлама түйінде бұрыннан бар.',
	reason_blocked: 'Түйін бұл кілттен хабарлама қабылдамайды.',
	reason_rate_limited: 'Қысқа уақытта тым көп хабарлама жіберілді. ' +
	    'Бір минут күтіп, қайталап көріңіз.',
	reason_pow: 'Түйін қосымша жұмыс дәлелін (PoW) талап етеді, ал бұл ' +
	    'бет оны жасай алмайды.',
	reason_restricted: 'Түйін хабарламаларды тек белгілі бір адамдардан ' +
	    'қабылдайды.',
	reason_auth_required: 'Түйін алдымен кіруді талап етеді, ал бұл бет ' +
	    'оны істей алмайды.',
	reason_error: 'Түйінде ішкі ақау болды. Кейінірек қайталап көріңіз.',
	reason_unknown: 'Түйін түсінікті себеп айтпай бас тартты.',
},
};

// The language to use: saved if it is one of ours, else the first of the
// browser's languages (primary subtag: "ru-KZ" counts as ru) that is.
export function pickLang(saved, preferred) {
	if (LANGS.includes(saved))
		return saved;
	for (const l of preferred ?? []) {
		const p = String(l).toLowerCase().split(/[-_]/)[0];
		if (LANGS.includes(p))
			return p;
	}
	return 'en';
}

// Returns t(key, vars) for lang: the string with {name} slots filled;
// plural objects pick their form by vars.n.  A missing key falls back to
// English, then to the key itself.
export function makeT(lang) {
	const table = STRINGS[lang] ?? STRINGS.en;
	let rules = null;
	try {
		rules = new Intl.PluralRules(lang);
	} catch {
		rules = null;
	}
	return (key, vars) => {
		let s = table[key] ?? STRINGS.en[key] ?? key;
		if (typeof s === 'object') {
			const n = vars?.n ?? 0;
			const form = rules ? rules.select(n) : (n === 1 ? 'one' :
			    'other');
			s = s[form] ?? s.other;
		}
		if (vars)
			s = s.replace(/\{(\w+)\}/g, (m, k) => vars[k] === undefined ?
			    m : String(vars[k]));
		return s;
	};
}
