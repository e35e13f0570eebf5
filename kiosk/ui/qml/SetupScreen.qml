import QtQuick
import QtQuick.Controls.Basic

// First run: everything a kiosk needs, typed on the on-screen keyboard.
Rectangle {
    id: root
    property real unit: 8
    readonly property var words: setup.words || {}
    color: theme.background

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
                color: theme.text
                font.pixelSize: Math.max(28, root.unit * 4)
                font.weight: Font.Bold
            }
            Row {
                spacing: root.unit
                Repeater {
                    model: setup.languages
                    BigButton {
                        required property var modelData
                        objectName: "setupLang_" + modelData.code
                        text: modelData.name
                        secondary: modelData.code !== setup.locale
                        fontSize: Math.max(20, root.unit * 2.5)
                        onClicked: setup.chooseLanguage(modelData.code)
                    }
                }
            }
            Row {
                spacing: root.unit
                TextField {
                    id: pin
                    objectName: "setupPin"
                    width: root.unit * 36; height: theme.minTouch
                    placeholderText: root.words.new_pin || ""
                    placeholderTextColor: theme.mutedText
                    echoMode: TextInput.Password
                    inputMethodHints: Qt.ImhDigitsOnly
                    maximumLength: 8
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                TextField {
                    id: pinAgain
                    objectName: "setupPinAgain"
                    width: root.unit * 36; height: theme.minTouch
                    placeholderText: root.words.repeat_pin || ""
                    placeholderTextColor: theme.mutedText
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
                text: setup.busy ? (root.words.connecting || "") : setup.error
                color: setup.busy ? theme.text : theme.danger
                font.pixelSize: Math.max(20, root.unit * 2.5)
                wrapMode: Text.WordWrap
            }

            Text {
                textFormat: Text.PlainText
                text: root.words.setup_hq || ""
                color: theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            TextField {
                id: hq
                objectName: "setupHq"
                width: Math.min(parent.width, root.unit * 90); height: theme.minTouch
                placeholderText: root.words.hq_address || ""
                placeholderTextColor: theme.mutedText
                inputMethodHints: Qt.ImhUrlCharactersOnly | Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
                font.pixelSize: Math.max(20, root.unit * 2.5)
            }
            Row {
                spacing: root.unit
                TextField {
                    id: code
                    objectName: "setupCode"
                    width: root.unit * 36; height: theme.minTouch
                    placeholderText: root.words.code || ""
                    placeholderTextColor: theme.mutedText
                    inputMethodHints: Qt.ImhPreferUppercase | Qt.ImhNoPredictiveText
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                BigButton {
                    objectName: "setupConnect"
                    text: root.words.connect || ""
                    fontSize: Math.max(20, root.unit * 2.5)
                    onClicked: setup.connectHq(hq.text, code.text, pin.text, pinAgain.text)
                }
            }

            // A kiosk that lost its settings is set up again only with a code from HQ.
            Text {
                visible: setup.standaloneAllowed
                textFormat: Text.PlainText
                text: root.words.setup_standalone || ""
                color: theme.text
                font.pixelSize: Math.max(22, root.unit * 3)
                font.weight: Font.DemiBold
            }
            Row {
                visible: setup.standaloneAllowed
                spacing: root.unit
                TextField {
                    id: store
                    objectName: "setupStore"
                    width: root.unit * 36; height: theme.minTouch
                    placeholderText: root.words.store_name || ""
                    placeholderTextColor: theme.mutedText
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
                TextField {
                    id: touchpoint
                    objectName: "setupTouchpoint"
                    width: root.unit * 36; height: theme.minTouch
                    placeholderText: root.words.touchpoint_name || ""
                    placeholderTextColor: theme.mutedText
                    font.pixelSize: Math.max(20, root.unit * 2.5)
                }
            }
            BigButton {
                objectName: "setupStandalone"
                visible: setup.standaloneAllowed
                secondary: true
                text: root.words.use_standalone || ""
                fontSize: Math.max(20, root.unit * 2.5)
                onClicked: setup.useStandalone(store.text, touchpoint.text, pin.text, pinAgain.text)
            }
            // Room to scroll a field above the on-screen keyboard.
            Item { width: 1; height: root.height / 2 }
        }
    }
}
