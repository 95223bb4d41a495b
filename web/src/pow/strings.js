// pow/strings.js: the words of proof of work (ui/pow.js) and of the
// node's full disk (ui/node.js) in the page's three languages, spread
// into i18n.js's table.

export const POW_STRINGS = {
en: {
	pow_title: 'The node asks for proof of work',
	pow_why: 'Under load, this node asks keys it does not know to do a ' +
	    'little computing before each post. This phone is doing it now: ' +
	    'keep the page open. The post goes out when it is done.',
	pow_progress: '{n} of about {e} tries',
	pow_cancel: 'Stop',
	pow_cancelled: 'Stopped: the post was not sent.',
	pow_failed: 'This phone could not do the proof of work.',
	reason_pow: 'The node asks for proof of work, which this phone does ' +
	    'before sending again.',
	disk_low: 'This node is nearly full: new reports may be refused ' +
	    'until its operator makes room. What is already here can still ' +
	    'be read.',
},
ru: {
	pow_title: 'Узел просит доказательство работы',
	pow_why: 'Под нагрузкой этот узел просит незнакомые ему ключи немного ' +
	    'посчитать перед каждым сообщением. Телефон считает сейчас: не ' +
	    'закрывайте страницу. Сообщение уйдёт, когда он закончит.',
	pow_progress: 'попыток: {n} из примерно {e}',
	pow_cancel: 'Остановить',
	pow_cancelled: 'Остановлено: сообщение не отправлено.',
	pow_failed: 'Телефону не удалось выполнить доказательство работы.',
	reason_pow: 'Узел просит доказательство работы: телефон выполнит его ' +
	    'и отправит снова.',
	disk_low: 'Этот узел почти заполнен: новые сообщения могут не ' +
	    'приниматься, пока его хозяин не освободит место. Уже сохранённое ' +
	    'можно читать.',
},
kk: {
	pow_title: 'Түйін жұмыс дәлелін сұрайды',
	pow_why: 'Жүктеме кезінде бұл түйін өзі білмейтін кілттерден әр ' +
	    'хабарлама алдында аздап есептеуді сұрайды. Телефон қазір ' +
	    'есептеп жатыр: бетті жаппаңыз. Біткенде хабарлама жіберіледі.',
	pow_progress: '{n} әрекет жасалды, шамамен {e} керек',
	pow_cancel: 'Тоқтату',
	pow_cancelled: 'Тоқтатылды: хабарлама жіберілмеді.',
	pow_failed: 'Телефон жұмыс дәлелін орындай алмады.',
	reason_pow: 'Түйін жұмыс дәлелін сұрайды: телефон оны орындап, қайта ' +
	    'жібереді.',
	disk_low: 'Бұл түйін толуға жақын: иесі орын босатқанша жаңа ' +
	    'хабарламалар қабылданбауы мүмкін. Бұрыннан барын оқуға болады.',
},
};
