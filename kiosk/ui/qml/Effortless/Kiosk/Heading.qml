import QtQuick

Text {
    id: heading
    textFormat: Text.PlainText
    // What a screen reader reads first on a screen: the question, the prompt.
    Accessible.role: Accessible.Heading
    Accessible.name: heading.text
    property real unit: 8
    width: parent ? parent.width : implicitWidth
    color: Theme.text
    font.pixelSize: Math.max(Theme.minText, unit * 5) * Theme.textScale
    font.weight: Font.Bold
    horizontalAlignment: Text.AlignHCenter
    wrapMode: Text.WordWrap
}
