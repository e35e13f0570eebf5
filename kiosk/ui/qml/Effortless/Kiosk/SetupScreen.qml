pragma ComponentBehavior: Bound
import QtQuick

// First run: everything a kiosk needs, typed on the on-screen keyboard. The field being
// typed in stays above the keyboard, and Enter moves on (on the last field of a part it
// connects, or sets the kiosk up without HQ).
Rectangle {
    id: root
    property real unit: 8
    // The on-screen keyboard's height while it is shown, else 0 (set by Main).
    property real keyboardHeight: 0
    required property SetupController setup
    readonly property var words: root.setup.words || {}
    color: Theme.background

    MouseArea { anchors.fill: parent }

    FormFlickable {
        objectName: "setupForm"
        anchors.fill: parent
        anchors.margins: root.unit * 3
        anchors.bottomMargin: root.unit * 3 + root.keyboardHeight
        keyboardHeight: root.keyboardHeight
        fieldMargin: root.unit * 2
        form: form

        Column {
            id: form
            width: parent.width
            spacing: root.unit * 1.5

            Row {
                width: parent.width
                spacing: root.unit
                Text {
                    width: parent.width - (cancelButton.visible ? cancelButton.width + root.unit : 0)
                    textFormat: Text.PlainText
                    text: root.words.setup_title || ""
                    color: Theme.text
                    font.pixelSize: Math.max(28, root.unit * 4)
                    font.weight: Font.Bold
                    wrapMode: Text.WordWrap
                }
                // Only while connecting a kiosk already in use: back to the manager screen.
                BigButton {
                    id: cancelButton
                    objectName: "setupCancel"
                    visible: root.setup.cancellable
                    secondary: true
                    text: root.words.cancel || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: root.setup.cancel()
                }
            }
            Row {
                spacing: root.unit
                Repeater {
                    model: root.setup.languages
                    BigButton {
                        required property var modelData
                        objectName: "setupLang_" + modelData.code
                        text: modelData.name
                        secondary: modelData.code !== root.setup.locale
                        // The chosen one is announced as chosen, not only shown filled.
                        Accessible.checkable: true
                        Accessible.checked: !secondary
                        fontSize: Math.max(20, root.unit * 2.5)
                        onClicked: root.setup.chooseLanguage(modelData.code)
                    }
                }
            }
            Flow {
                visible: root.setup.pinNeeded
                width: parent.width
                spacing: root.unit
                FormField {
                    id: pin
                    objectName: "setupPin"
                    unit: root.unit
                    next: pinAgain
                    width: Math.min(form.width, root.unit * 36)
                    placeholderText: root.words.new_pin || ""
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                }
                FormField {
                    id: pinAgain
                    objectName: "setupPinAgain"
                    unit: root.unit
                    next: hq
                    width: Math.min(form.width, root.unit * 36)
                    placeholderText: root.words.repeat_pin || ""
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                }
            }

            Text {
                objectName: "setupError"
                textFormat: Text.PlainText
                visible: text !== ""
                width: parent.width
                text: root.setup.busy ? (root.words.connecting || "") : root.setup.error
                color: root.setup.busy ? Theme.text : Theme.danger
                font.pixelSize: Math.max(20, root.unit * 2.5)
                wrapMode: Text.WordWrap
            }

            Text {
                textFormat: Text.PlainText
                text: root.words.setup_hq || ""
                color: Theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            FormField {
                id: hq
                objectName: "setupHq"
                unit: root.unit
                next: code
                width: Math.min(parent.width, root.unit * 90)
                placeholderText: root.words.hq_address || ""
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
            }
            Flow {
                width: parent.width
                spacing: root.unit
                FormField {
                    id: code
                    objectName: "setupCode"
                    unit: root.unit
                    width: Math.min(form.width, root.unit * 36)
                    placeholderText: root.words.code || ""
                    inputMethodHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
                    onSubmitted: connectButton.clicked()
                }
                BigButton {
                    id: connectButton
                    objectName: "setupConnect"
                    text: root.words.connect || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: root.setup.connectHq(hq.text, code.text, pin.text, pinAgain.text)
                }
            }

            // A kiosk that lost its settings is set up again only with a code from HQ. The
            // touchpoint is picked from the kiosk's surveys, never typed: it decides which
            // survey runs.
            Column {
                visible: root.setup.standaloneAllowed
                width: parent.width
                spacing: root.unit * 1.5
                Text {
                    textFormat: Text.PlainText
                    text: root.words.setup_standalone || ""
                    color: Theme.text
                    font.pixelSize: Math.max(22, root.unit * 3)
                    font.weight: Font.DemiBold
                }
                Text {
                    textFormat: Text.PlainText
                    text: root.words.touchpoint_name || ""
                    color: Theme.text
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                Flow {
                    width: parent.width
                    spacing: root.unit
                    Repeater {
                        model: root.setup.touchpoints
                        BigButton {
                            required property var modelData
                            objectName: "setupTouchpoint_" + modelData.id
                            text: modelData.label
                            secondary: modelData.id !== root.setup.touchpoint
                            // The chosen one is announced as chosen, not only shown filled.
                            Accessible.checkable: true
                            Accessible.checked: !secondary
                            fontSize: Math.max(20, root.unit * 2.5)
                            onClicked: root.setup.chooseTouchpoint(modelData.id)
                        }
                    }
                }
                FormField {
                    id: store
                    objectName: "setupStore"
                    unit: root.unit
                    width: Math.min(form.width, root.unit * 36)
                    placeholderText: root.words.store_name || ""
                    onSubmitted: standaloneButton.clicked()
                }
                BigButton {
                    id: standaloneButton
                    objectName: "setupStandalone"
                    secondary: true
                    text: root.words.use_standalone || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: root.setup.useStandalone(store.text, pin.text, pinAgain.text)
                }
            }
        }
    }
}
