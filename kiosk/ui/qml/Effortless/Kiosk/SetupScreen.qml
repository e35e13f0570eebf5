pragma ComponentBehavior: Bound
import QtQuick
import QtQuick.Controls.Basic

// First run: everything a kiosk needs, typed on the on-screen keyboard.
Rectangle {
    id: root
    property real unit: 8
    required property SetupController setup
    readonly property var words: root.setup.words || {}
    color: Theme.background

    MouseArea { anchors.fill: parent }

    Flickable {
        anchors.fill: parent
        anchors.margins: root.unit * 3
        contentHeight: form.height
        clip: true
        boundsBehavior: Flickable.StopAtBounds

        Column {
            id: form
            width: parent.width
            spacing: root.unit * 1.5

            Text {
                textFormat: Text.PlainText
                text: root.words.setup_title || ""
                color: Theme.text
                font.pixelSize: Math.max(28, root.unit * 4)
                font.weight: Font.Bold
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
                        fontSize: Math.max(20, root.unit * 2.5)
                        onClicked: root.setup.chooseLanguage(modelData.code)
                    }
                }
            }
            Row {
                spacing: root.unit
                TextField {
                    id: pin
                    objectName: "setupPin"
                    width: root.unit * 36; height: Theme.minTouch
                    placeholderText: root.words.new_pin || ""
                    placeholderTextColor: Theme.mutedText
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                TextField {
                    id: pinAgain
                    objectName: "setupPinAgain"
                    width: root.unit * 36; height: Theme.minTouch
                    placeholderText: root.words.repeat_pin || ""
                    placeholderTextColor: Theme.mutedText
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                    font.pixelSize: Math.max(20, root.unit * 2.5)
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
            TextField {
                id: hq
                objectName: "setupHq"
                width: Math.min(parent.width, root.unit * 90); height: Theme.minTouch
                placeholderText: root.words.hq_address || ""
                placeholderTextColor: Theme.mutedText
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                font.pixelSize: Math.max(20, root.unit * 2.5)
            }
            Row {
                spacing: root.unit
                TextField {
                    id: code
                    objectName: "setupCode"
                    width: root.unit * 36; height: Theme.minTouch
                    placeholderText: root.words.code || ""
                    placeholderTextColor: Theme.mutedText
                    inputMethodHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                BigButton {
                    objectName: "setupConnect"
                    text: root.words.connect || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: root.setup.connectHq(hq.text, code.text, pin.text, pinAgain.text)
                }
            }

            // A kiosk that lost its settings is set up again only with a code from HQ.
            Text {
                visible: root.setup.standaloneAllowed
                textFormat: Text.PlainText
                text: root.words.setup_standalone || ""
                color: Theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                visible: root.setup.standaloneAllowed
                spacing: root.unit
                TextField {
                    id: store
                    objectName: "setupStore"
                    width: root.unit * 36; height: Theme.minTouch
                    placeholderText: root.words.store_name || ""
                    placeholderTextColor: Theme.mutedText
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                TextField {
                    id: touchpoint
                    objectName: "setupTouchpoint"
                    width: root.unit * 36; height: Theme.minTouch
                    placeholderText: root.words.touchpoint_name || ""
                    placeholderTextColor: Theme.mutedText
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
            }
            BigButton {
                objectName: "setupStandalone"
                visible: root.setup.standaloneAllowed
                secondary: true
                text: root.words.use_standalone || ""
                fontSize: Math.max(20, root.unit * 2.5)
                onClicked: root.setup.useStandalone(store.text, touchpoint.text, pin.text, pinAgain.text)
            }
            // Room to scroll a field above the on-screen keyboard.
            Item { width: 1; height: root.height / 2 }
        }
    }
}
